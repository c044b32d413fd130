import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { filter } from '../../ksc/filter/index.ts';
import type { WireJson } from '../../wire/json.ts';
import type { KlParams } from '../../ksc/values.ts';
import { EVENT_RANGE_METHODS } from './shared/events.ts';
import { BASIC, EVERY_OPERATION, KES_AV, right } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, licenceExpired, resolveOneHost, type ResolvedHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { fullPath } from './shared/quarantine.ts';
import { errorEntry, failedResult, statusOf, summaryTable } from '../core/result.ts';
import { readSrvViewWire, SRV_VIEW_METHODS } from './shared/srv-view.ts';
import { readTaskHistory } from './shared/tasks.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { pollUntil, waitInputs } from '../core/waiting.ts';

const TITLE = 'Quarantine Files';

/** Kaspersky Endpoint Security for Windows: the application whose task moves a file into quarantine. */
const PRODUCT = 'KES';
/** Decision 0006: the KES task type that quarantines `TASK_ADDITIONAL_PARAMS.FilePaths`. */
const TASK_TYPE = 'QuarantineFile';

/** `task_new_state` of `KLPRCI_TaskState` (spec §8.4). */
const TASK_STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'Not started yet',
  1: 'Running',
  2: 'Suspended',
  3: 'Failed',
  4: 'Completed successfully',
  5: 'Failed (timeout)',
};
const FINAL_STATES = new Set([3, 4, 5]);
/** Host-state bits of `GetTaskStatistics` a host ends in: completed, completed with warning, failed. */
const FINISHED_BITS = ['4', '8', '16'];

/** What the outcome per host is read from: the task's state changes and the reasons of failed runs. */
const TASK_EVENT_FIELDS = [
  'event_id',
  'event_type',
  'event_type_display_name',
  'hostdn',
  'hostname',
  'rise_time',
  'task_new_state',
  'task_old_state',
  'GNRL_EA_DESCRIPTION',
];

interface Target {
  readonly reference: string;
  readonly host: ResolvedHost;
  readonly version: string;
}

/** A host that can run the quarantine task: it has KES for Windows and a licence that allows it. */
async function target(ctx: KscContext, reference: string, host: ResolvedHost): Promise<Target> {
  const products = (await ctx.ksc.call('HostGroup.GetHostProducts', { strHostName: host.id })).PxgRetVal;
  const version = Object.keys(products[PRODUCT] ?? {})[0];
  if (version === undefined) {
    throw new KconnectError(
      'CONFLICT',
      `Host ${host.displayName} (${host.id}) has no Kaspersky Endpoint Security for Windows, which quarantines ` +
        `the files (installed: ${Object.keys(products).join(', ') || 'no Kaspersky application'})`,
    );
  }
  if (await licenceExpired(ctx, host.id)) {
    throw new KconnectError(
      'CONFLICT',
      `Host ${host.displayName} (${host.id}): the licence of Kaspersky Endpoint Security has expired, so it ` +
        'cannot quarantine files; renew it first',
    );
  }
  return { reference, host, version };
}

/** Per host: the last `KLPRCI_TaskState` state and, for a failed run, the reason the host gave. */
function hostOutcomes(events: readonly KlParams[]): Map<string, { state: number; reason?: string }> {
  const out = new Map<string, { state: number; reason?: string }>();
  const reasons = new Map<string, string>();
  for (const event of events) {
    const host = event['hostname'];
    if (typeof host !== 'string') continue;
    const description = event['GNRL_EA_DESCRIPTION'];
    if (event['event_type'] === '000000d4' && typeof description === 'string') {
      const line = description.split(/\r?\n/).find((l) => l.startsWith('Error:'));
      reasons.set(host, line === undefined ? description : line.slice('Error:'.length).trim());
    }
    const state = event['task_new_state'];
    if (event['event_type'] === 'KLPRCI_TaskState' && typeof state === 'number') out.set(host, { state });
  }
  for (const [host, reason] of reasons) {
    const outcome = out.get(host);
    if (outcome !== undefined && outcome.state === 3) out.set(host, { ...outcome, reason });
  }
  return out;
}

/** The Quarantine items the run created: same host and path, stored since the task was created. */
async function quarantinedItems(
  ctx: KscContext,
  hosts: readonly ResolvedHost[],
  since: number,
): Promise<Map<string, number>> {
  if (hosts.length === 0) return new Map();
  const { records } = await readSrvViewWire(ctx, 'Quarantine', {
    filter: filter.and(
      filter.or(...hosts.map((h) => filter.eq('strHostName', h.id))),
      filter.ge('QBStoreTime', new Date(Math.floor(since / 1000) * 1000)),
    ).text,
    fields: ['nId', 'strHostName', 'szRestorePath', 'szFileTitle'],
    order: [{ Name: 'nId', Asc: true }],
    limit: 10_000,
  });
  const ids = new Map<string, number>();
  for (const record of records) {
    const key = fileKey(
      String(record['strHostName'] ?? ''),
      `${String(record['szRestorePath'] ?? '')}${String(record['szFileTitle'] ?? '')}`,
    );
    // The newest item wins: a file quarantined again gets a new id.
    ids.set(key, Number(record['nId']));
  }
  return ids;
}

/** Windows paths and host ids compare case-insensitively. */
const fileKey = (hostId: string, path: string) => `${hostId.toLowerCase()}\u0000${path.toLowerCase()}`;

const input = z.object({
  hostNames: inputs
    .hosts()
    .describe(
      'Host Names: the hosts to quarantine the files on, each by display name (KLHST_WKS_DN, from List ' +
        'Hosts), id, FQDN or IPv4 address; a name matching several hosts is refused',
    ),
  files: z
    .array(fullPath())
    .min(1)
    .max(100)
    .describe('Files: the full paths of the files to quarantine on every host, e.g. ["C:\\\\Test\\\\5.txt"]'),
  displayName: inputs.taskDisplayName(
    'Quarantine Display Name: the display name of the quarantine task (at most 100 characters)',
  ),
  ...waitInputs.untilAgentSync(),
  idempotencyKey: inputs.idempotencyKey(),
});

const keyFields = z.object({
  QuarantineFileTaskID: z.string(),
  HostNames: z.array(z.string()),
  HostIDs: z.array(z.string()),
  QuarantineNewState: z.array(z.number().int()),
  QuarantineStateName: z.array(z.string()),
  FileIDs: z.array(z.number().int()),
});

/**
 * `Quarantine Files` (seed 001). KSC has no API call that quarantines an arbitrary file (spec §9); like D3, this
 * creates a Kaspersky Endpoint Security task for the hosts (`Tasks.AddTask`, decision 0006) and runs it.
 */
export const quarantineFiles: KscCommand<typeof input, typeof keyFields> = {
  name: 'quarantine_files',
  title: TITLE,
  description:
    'Moves files into quarantine on hosts, through a Kaspersky Endpoint Security for Windows task created ' +
    'for those hosts and started at once. Hosts are named by display name, id, FQDN or IP; an ambiguous name ' +
    'is refused with the hosts it matched; a host without Kaspersky Endpoint Security for Windows or with an ' +
    'expired licence is an explicit error (the task would do nothing there). Each host runs the task at its ' +
    'next agent sync: the command returns at once with the task id and each host’s state, or with wait polls ' +
    'until every host finished and also returns the File IDs of the quarantined files (for Unquarantine ' +
    'Files). Side effect: the files are removed from the hosts until restored.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: false,
  vendor: 'ksc',
  api: {
    rights: [
      right(BASIC, 'Read', 'Execute', 'Perform operations on device selections'),
      right(KES_AV, ...EVERY_OPERATION),
    ],
    operations: [
      ...HOST_LOOKUP_METHODS,
      'HostGroup.GetHostProducts',
      'HostGroup.GetHostInfo',
      'Tasks.AddTask',
      'Tasks.RunTask',
      'Tasks.GetTaskStatistics',
      'Tasks.GetTaskHistory',
      ...EVENT_RANGE_METHODS,
      ...SRV_VIEW_METHODS,
    ],
  },
  hints: {
    cliAliases: { hostNames: 'host', files: 'file' },
    targetFields: ['hostNames'],
    waitField: 'waitTimeoutSeconds',
  },
  example: {
    hostNames: ['DC01'],
    files: ['C:\\Users\\Public\\Downloads\\invoice.exe'],
    displayName: 'Quarantine invoice.exe',
  },
  async run(ctx, { hostNames, files, displayName, wait, waitTimeoutSeconds }) {
    const errors: CommandErrorEntry[] = [];
    const targets: Target[] = [];
    for (const reference of hostNames) {
      try {
        const host = await resolveOneHost(ctx, reference, 'hostNames');
        if (targets.some((t) => t.host.id === host.id)) continue;
        targets.push(await target(ctx, reference, host));
      } catch (error) {
        errors.push(errorEntry(TITLE, error, reference));
      }
    }
    const first = targets[0];
    if (first === undefined) return failedResult(TITLE, errors);

    const paths = [...new Set(files)];
    const createdAt = ctx.now();
    const added = await ctx.ksc.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: TASK_TYPE,
        TASKID_PRODUCT_NAME: PRODUCT,
        TASKID_VERSION: first.version,
        TASK_ADDITIONAL_PARAMS: { FilePaths: paths },
        TASK_INFO_PARAMS: {
          DisplayName: displayName,
          HostList: targets.map((t) => ({ HostName: t.host.id, HostDispName: t.host.displayName })),
        },
      },
    });
    const strTask = added.PxgRetVal;
    await ctx.ksc.call('Tasks.RunTask', { strTask });
    if (wait) {
      await pollUntil(ctx, waitTimeoutSeconds, async () => {
        const stats = (await ctx.ksc.call('Tasks.GetTaskStatistics', { strTask })).PxgRetVal;
        const finished = FINISHED_BITS.reduce((sum, bit) => sum + Number(stats[bit] ?? 0), 0);
        return finished >= targets.length;
      });
    }

    const { items, records: events } = await readTaskHistory(ctx, strTask, {
      fields: TASK_EVENT_FIELDS,
      oldestFirst: true,
      limit: Number.POSITIVE_INFINITY,
    });
    const outcomes = hostOutcomes(events);
    const completed = targets.filter((t) => outcomes.get(t.host.id)?.state === 4).map((t) => t.host);
    let fileIds = new Map<string, number>();
    try {
      fileIds = await quarantinedItems(ctx, completed, createdAt);
    } catch {
      // Reading the Quarantine view needs rights this command does not (seed 001): the ids are a bonus.
    }

    const results: WireJson[] = [];
    const context: PlainJson[] = [];
    const quarantinedIds: number[] = [];
    let failed = 0;
    for (const { reference, host } of targets) {
      const outcome = outcomes.get(host.id);
      const state = outcome?.state ?? 0;
      const stateName = TASK_STATE_NAMES[state] ?? String(state);
      const hostFiles = paths.map((path) => {
        const fileID = fileIds.get(fileKey(host.id, path)) ?? null;
        let message: string;
        if (state === 4) message = fileID === null ? 'Quarantined.' : `Quarantined as File ID ${fileID}.`;
        else if (FINAL_STATES.has(state)) message = `Not quarantined: ${outcome?.reason ?? stateName}.`;
        else if (state === 0)
          message = wait
            ? 'Not quarantined yet: the host has not run the task within the wait time.'
            : 'Queued: the host runs the task at its next agent sync.';
        else message = `Task ${stateName.toLowerCase()} on the host.`;
        if (fileID !== null) quarantinedIds.push(fileID);
        results.push({ hostId: host.id, file: path, fileID, message });
        return { path, fileID, message };
      });
      if (FINAL_STATES.has(state) && state !== 4) {
        failed++;
        errors.push(
          errorEntry(
            TITLE,
            new KconnectError(
              'UPSTREAM_ERROR',
              `The quarantine task failed on ${host.displayName} (${host.id}): ${outcome?.reason ?? stateName}`,
            ),
            reference,
          ),
        );
      }
      context.push({
        taskId: strTask,
        hostId: host.id,
        hostName: host.displayName,
        state,
        stateName,
        files: hostFiles,
      });
    }
    const states = targets.map((t) => outcomes.get(t.host.id)?.state ?? 0);
    return {
      status: statusOf(targets.length - failed, errors.length),
      raw: [{ quarantineFileTaskId: strTask, pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: items }, results }],
      context,
      keyFields: {
        QuarantineFileTaskID: strTask,
        HostNames: targets.map((t) => t.host.displayName),
        HostIDs: targets.map((t) => t.host.id),
        QuarantineNewState: states,
        QuarantineStateName: states.map((s) => TASK_STATE_NAMES[s] ?? String(s)),
        FileIDs: quarantinedIds,
      },
      result: summaryTable(TITLE, { 'Quarantine File Tasks Count': 1 }),
      errors,
    };
  },
};
