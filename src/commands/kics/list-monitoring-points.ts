import { z } from 'zod';
import type { MonitoringPoint } from '../../kics/model.ts';
import { itemsTable } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import { containsIgnoringCase } from './shared/dictionaries.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS List Monitoring Points';

const input = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe('Only monitoring points whose name contains this text (case-insensitive), e.g. "MP-OPS"'),
  excludeDeleted: z
    .boolean()
    .default(false)
    .describe(
      'Leave out monitoring points that were deleted (KICS keeps them, since older events refer to them)',
    ),
});

const keyFields = z.object({
  MonitoringPointIds: z.array(z.number().int()),
  MonitoringPointNames: z.array(z.string()),
  MonitoringPointsCount: z.number().int(),
});

/** One monitoring point of `context`, with whether it still exists in words beside its deletion time. */
function monitoringPointRecord(point: MonitoringPoint): { [key: string]: PlainJson } {
  return {
    mpId: point.mpId,
    name: point.name,
    nicId: point.nicId,
    hostId: point.hostId,
    enabled: point.enabled,
    deleted: point.deletedTime !== null,
    createdTime: point.createdTime,
    deletedTime: point.deletedTime,
  };
}

function stateWords(point: MonitoringPoint): string {
  if (point.deletedTime !== null) return `Deleted ${point.deletedTime}`;
  return point.enabled ? 'Enabled' : 'Disabled';
}

/** `kics_list_monitoring_points`: the network interfaces KICS for Networks watches traffic on. */
export const kicsListMonitoringPoints: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_monitoring_points',
  title: TITLE,
  description:
    'Lists the monitoring points of KICS for Networks — the network interfaces of the Server and its sensors ' +
    'on which it watches industrial traffic — each with its id (the `monitoringPointId` of events), name, ' +
    'interface, the host (Server or sensor) it belongs to, whether it is enabled, when it was created and, ' +
    'for a removed one, when it was deleted. Use it to say where on the network an event was seen, to pick ' +
    'the monitoring point of an event you register, or to check that every segment is watched. name matches ' +
    'part of the name; excludeDeleted leaves out removed ones (KICS keeps them: older events refer to them). ' +
    'Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying a dictionary with monitoring points'] },
  example: {},
  async run(ctx, { name, excludeDeleted }) {
    const all = await ctx.kics.monitoringPoints();
    const points = all.filter(
      (p) =>
        (name === undefined || containsIgnoringCase(p.name, name)) &&
        !(excludeDeleted && p.deletedTime !== null),
    );
    return {
      status: 'Successful',
      raw: wireOf(points),
      context: points.map(monitoringPointRecord),
      keyFields: {
        MonitoringPointIds: points.map((p) => p.mpId),
        MonitoringPointNames: points.map((p) => p.name),
        MonitoringPointsCount: points.length,
      },
      result: itemsTable(
        TITLE,
        points,
        'Monitoring Points Count',
        ['ID', 'Name', 'Interface', 'Host', 'State', 'Created'],
        (p) => [p.mpId, p.name, p.nicId, p.hostId, stateWords(p), p.createdTime],
      ),
      errors: [],
    };
  },
};
