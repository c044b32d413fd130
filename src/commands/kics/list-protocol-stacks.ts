import { z } from 'zod';
import type { ProtocolStack } from '../../kics/model.ts';
import { itemsTable, yesNo } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import { containsIgnoringCase } from './shared/dictionaries.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS List Protocol Stacks';

const input = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe('Only protocols whose name or stack name contains this text (case-insensitive), e.g. "modbus"'),
  industrialOnly: z
    .boolean()
    .default(false)
    .describe('Only industrial protocols (Modbus, S7, IEC 104, OPC UA, …), not IT ones (HTTP, DNS, …)'),
  activeOnly: z
    .boolean()
    .default(false)
    .describe('Only protocols KICS is set to recognize (active), not those switched off'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  ProtocolStackIds: z.array(z.number().int()),
  ProtocolNames: z.array(z.string()),
  ProtocolStacksCount: z.number().int(),
});

function wanted(stack: ProtocolStack, given: Input): boolean {
  if (given.industrialOnly && !stack.isIndustrial) return false;
  if (given.activeOnly && !stack.isActive) return false;
  const name = given.name;
  return (
    name === undefined ||
    containsIgnoringCase(stack.name, name) ||
    containsIgnoringCase(stack.protocolStackName, name)
  );
}

/** One protocol of `context`, with the name of the protocol it runs over (its parent in the stack). */
function protocolStackRecord(
  stack: ProtocolStack,
  byId: ReadonlyMap<number, ProtocolStack>,
): { [key: string]: PlainJson } {
  return {
    protocolStackId: stack.protocolStackId,
    name: stack.name,
    protocolStackName: stack.protocolStackName,
    parentId: stack.parentId,
    parentName: byId.get(stack.parentId)?.name ?? null,
    etherType: stack.etherType,
    ipType: stack.ipType,
    customType: stack.customType,
    isIndustrial: stack.isIndustrial,
    isActive: stack.isActive,
  };
}

/** `kics_list_protocol_stacks`: the dictionary of protocols KICS for Networks recognizes, as a tree. */
export const kicsListProtocolStacks: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_protocol_stacks',
  title: TITLE,
  description:
    'Lists the protocols KICS for Networks recognizes in traffic, as a tree from Ethernet through IP and ' +
    'TCP/UDP to the industrial protocols (Modbus TCP, S7comm, IEC 60870-5-104, OPC UA, …): each with its id ' +
    '(the `protocolStackId` of tags and device protocols), name, its path in the stack (`TCP/ModbusTcp`), ' +
    'the protocol it runs over, EtherType, IP protocol number, whether it is industrial and whether KICS is ' +
    'set to recognize it. Use it to turn a protocol id into words or to check that a protocol of your plant ' +
    'is recognized. name matches part of the name or path; industrialOnly and activeOnly narrow the list. ' +
    'Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying a dictionary with protocol stacks'] },
  example: { industrialOnly: true },
  async run(ctx, given) {
    const all = await ctx.kics.protocolStacks();
    const byId = new Map(all.map((s) => [s.protocolStackId, s]));
    const stacks = all.filter((s) => wanted(s, given));
    return {
      status: 'Successful',
      raw: wireOf(stacks),
      context: stacks.map((s) => protocolStackRecord(s, byId)),
      keyFields: {
        ProtocolStackIds: stacks.map((s) => s.protocolStackId),
        ProtocolNames: stacks.map((s) => s.name),
        ProtocolStacksCount: stacks.length,
      },
      result: itemsTable(
        TITLE,
        stacks,
        'Protocol Stacks Count',
        ['ID', 'Name', 'Stack', 'Industrial', 'Active'],
        (s) => [s.protocolStackId, s.name, s.protocolStackName, yesNo(s.isIndustrial), yesNo(s.isActive)],
      ),
      errors: [],
    };
  },
};
