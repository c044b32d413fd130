import type { ComparisonNode, FilterNode } from '../../ksc/filter/ast.ts';
import type { KlParams } from '../../ksc/values.ts';
import type { SearchableType } from './records.ts';
import type { HostRecord } from './world/model.ts';
import type { KscWorld } from './world.ts';

/** Host attributes of spec §7.2 a filter or a field list may name. */
export const HOST_ATTRIBUTES: ReadonlySet<string> = new Set([
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_GROUPID',
  'KLHST_WKS_GROUPID_GP',
  'KLHST_WKS_CREATED',
  'KLHST_WKS_LAST_VISIBLE',
  'KLHST_WKS_LAST_INFOUDATE',
  'KLHST_WKS_LAST_UPDATE',
  'KLHST_WKS_LAST_NAGENT_CONNECTED',
  'KLHST_WKS_LAST_FULLSCAN',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_STATUS_HSDP',
  'KLHST_WKS_WINHOSTNAME',
  'KLHST_WKS_WINDOMAIN',
  'KLHST_WKS_WINDOMAIN_TYPE',
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_DNSDOMAIN',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_IP',
  'KLHST_WKS_CONNECT_IP_LONG',
  'KLHST_WKS_CTYPE',
  'KLHST_WKS_PTYPE',
  'KLHST_WKS_OS_NAME',
  'KLHST_WKS_OS_VER_MAJOR',
  'KLHST_WKS_OS_VER_MINOR',
  'KLHST_WKS_OSSP_VER_MAJOR',
  'KLHST_WKS_OSSP_VER_MINOR',
  'KLHST_WKS_OS_BUILD_NUMBER',
  'KLHST_WKS_OS_RELEASE_ID',
  'KLHST_WKS_CPU_ARCH',
  'KLHST_WKS_NAG_VERSION',
  'KLHST_WKS_NAG_VER_ID',
  'KLHST_WKS_RTP_AV_VERSION',
  'KLHST_WKS_RTP_AV_BASES_TIME',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_RTP_ERROR_CODE',
  'KLHST_WKS_VIRUS_COUNT',
  'KLHST_WKS_UNCURED_COUNT',
  'KLHST_WKS_RBT_REQUIRED',
  'KLHST_WKS_RBT_REQUEST_REASON',
  'KLHST_WKS_COMMENT',
  'KLHST_WKS_FROM_UNASSIGNED',
  'KLHST_WKS_OWNER_ID',
  'KLHST_WKS_OWNER_IS_CUSTOM',
  'KLHST_WKS_CUSTOM_OWNER_ID',
  'KLHST_WKS_ANTI_SPAM_STATUS',
  'KLHST_WKS_DLP_STATUS',
  'KLHST_WKS_COLLAB_SRVS_STATUS',
  'KLHST_WKS_EMAIL_AV_STATUS',
  'KLHST_WKS_EDR_STATUS',
  'KLHST_INSTANCEID',
  'KLHST_NAG_INSTID',
  'KLHST_WKS_KEEP_CONNECTION',
  'KLHST_WKS_PRODUCT_NAME',
  'KLHST_WKS_PRODUCT_VERSION',
  'KLHST_WKS_PRODUCT_DISPLAY_VERSION',
  'KLHST_WKS_AV_BASES_RECORDS',
  'KLHST_WKS_AV_BASES_DATE',
  'KLHST_AD_ORGUNIT',
  'KLHST_AD_ORGUNIT_GP',
  'KLHST_UNCURED_PRESENT',
  'KLVSRV_ID',
  'name',
  'grp_full_name',
  ...Array.from({ length: 16 }, (_, bit) => `KLHST_WKS_STATUS_MASK_${bit}`),
]);

/** Attributes a host record does not store but derives from its group. */
const GROUP_DERIVED = ['name', 'grp_full_name'] as const;

function orOfGroupIds(ids: Iterable<number>): FilterNode {
  const children: FilterNode[] = [...ids].map((id) => ({
    kind: 'compare',
    attribute: 'KLHST_WKS_GROUPID',
    attributePos: 0,
    op: '=',
    value: { kind: 'integer', value: BigInt(id) },
  }));
  // An empty OR cannot be written; `NOT all` matches nothing.
  return children.length === 0 ? { kind: 'not', child: { kind: 'all' } } : { kind: 'or', children };
}

/** `KLHST_WKS_GROUPID_GP = N`: the host is in group N or below it. */
function groupSubtreeRewrite(world: KscWorld) {
  return (node: ComparisonNode): FilterNode => {
    if (node.value.kind !== 'integer' || (node.op !== '=' && node.op !== '<>') || node.mask !== undefined) {
      return { kind: 'not', child: { kind: 'all' } };
    }
    const inSubtree = orOfGroupIds(world.subtree(Number(node.value.value)));
    return node.op === '=' ? inSubtree : { kind: 'not', child: inSubtree };
  };
}

/** Deprecated `KLHST_WKS_STATUS_MASK_<n> <> 0` (spec §4): a bit test on the extended status mask. */
function statusMaskBitRewrite(bit: number) {
  return (node: ComparisonNode): FilterNode => ({
    ...node,
    attribute: 'KLHST_WKS_STATUS_MASK',
    mask: 1n << BigInt(bit),
  });
}

export function hostSearchType(world: KscWorld): SearchableType {
  const rewrites: Record<string, (node: ComparisonNode) => FilterNode> = {
    KLHST_WKS_GROUPID_GP: groupSubtreeRewrite(world),
  };
  for (let bit = 0; bit < 16; bit++) rewrites[`KLHST_WKS_STATUS_MASK_${bit}`] = statusMaskBitRewrite(bit);
  return { attributes: HOST_ATTRIBUTES, rewrites };
}

/** A host's attributes plus the ones derived from its group, computed only when `needed` asks for them. */
export function hostView(world: KscWorld, host: HostRecord, needed: ReadonlySet<string>): KlParams {
  if (!GROUP_DERIVED.some((name) => needed.has(name))) return host.attributes;
  const group = world.groups.get(host.groupId);
  if (group === undefined) return host.attributes;
  return {
    ...host.attributes,
    name: group.name,
    grp_full_name: String(group.attributes['grp_full_name'] ?? group.name),
  };
}
