import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import type { SrvViewDefinition } from '../views/view.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { hostExeFiles, hostLevelOf, instanceRecords, type ExeFileInstance } from './exe-files.ts';
import { EXE_FILE_ATTRIBUTES } from '../../../ksc/view-attributes.ts';
import { CERTIFICATE_ATTRIBUTES, serverCertificates } from './certificates.ts';

/** Instances add where the file is: the host's display name and the file's full path (emulator's names). */
const INSTANCE_ATTRIBUTES = [...EXE_FILE_ATTRIBUTES, 'HOST_DN', 'FILE_PATH'] as const;

/** The files of a server, one record per `FILE_ID`, with the host and time the file first appeared on. */
const fileCache = new WeakMap<readonly HostRecord[], ReadonlyMap<number, KlParams>>();

export function serverExeFiles(world: KscWorld, vserverId: number): ReadonlyMap<number, KlParams> {
  const hosts = world.hostsOf(vserverId);
  let files = fileCache.get(hosts);
  if (files === undefined) {
    const first = new Map<number, { host: HostRecord; instance: ExeFileInstance }>();
    for (const host of hosts) {
      for (const instance of hostExeFiles(world.seedValue, host)) {
        const known = first.get(instance.fileId);
        if (known !== undefined && known.instance.firstAppear <= instance.firstAppear) continue;
        first.set(instance.fileId, { host, instance });
      }
    }
    files = new Map(
      [...first]
        .sort(([a], [b]) => a - b)
        .map(([id, { host, instance }]) => {
          const [record] = instanceRecords(host, [instance]);
          const { HOST_DN: _dn, FILE_PATH: _path, ...common } = record ?? {};
          return [id, common];
        }),
    );
    fileCache.set(hosts, files);
  }
  return files;
}

const READ = [need('basic', 'read')];

/** The Application Control views (files, their instances on hosts, their publishers' certificates). */
export const applicationControlViews: readonly SrvViewDefinition[] = [
  {
    name: 'ACExeFilesSrvViewName',
    type: { attributes: new Set<string>(EXE_FILE_ATTRIBUTES) },
    rights: READ,
    records: (ctx) => (canSeeDevices(ctx) ? [...serverExeFiles(ctx.world, ctx.vserverId).values()] : []),
  },
  {
    name: 'ACHostExeFilesSrvViewName',
    type: { attributes: new Set<string>(INSTANCE_ATTRIBUTES) },
    rights: READ,
    records: (ctx) => {
      if (!canSeeDevices(ctx)) return [];
      const out: KlParams[] = [];
      for (const host of ctx.world.hostsOf(ctx.vserverId)) {
        for (const record of instanceRecords(host, hostExeFiles(ctx.world.seedValue, host))) out.push(record);
      }
      return out;
    },
    perHost: {
      attributes: new Set(['HOST_ID', 'HOST_NAME', 'HOST_DN']),
      hostLevel: (host) => hostLevelOf(host),
      records: (ctx, host) => instanceRecords(host, hostExeFiles(ctx.world.seedValue, host)),
    },
  },
  {
    name: 'ACExeFileCertificatesSrvViewName',
    type: { attributes: new Set<string>(CERTIFICATE_ATTRIBUTES) },
    rights: READ,
    records: (ctx) =>
      canSeeDevices(ctx) ? serverCertificates(serverExeFiles(ctx.world, ctx.vserverId)) : [],
  },
];
