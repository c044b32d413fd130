import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import type { WireJson } from '../../wire/json.ts';
import { mapLimited } from '../core/concurrency.ts';
import { EVENT_RANGE_METHODS } from './shared/events.ts';
import { BASIC, KES_AV_READ, right } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, licenceExpired, resolveOneHost, type ResolvedHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { numberOf } from './shared/records.ts';
import { errorEntry, failedResult, statusOf, summaryTable } from '../core/result.ts';
import {
  describeTaskEvents,
  HOST_STATE_METHODS,
  plainHostStates,
  readHostStates,
  readTaskHistory,
  readTaskProgress,
  waitUntilFinished,
  type TaskProgress,
} from './shared/tasks.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { waitInputs } from '../core/waiting.ts';

const TITLE = 'Scan Hosts';

interface ScanType {
  /** `TASKID_PRODUCT_NAME` of the application that scans. */
  readonly product: string;
  /** `TASKID_VERSION` when the hosts report none. */
  readonly version: string;
  /** `TASK_NAME` of its full-scan task type. */
  readonly taskName: string;
  readonly application: string;
}

/**
 * Seed 001's scan types: one per application it lists. KES for Windows (`KES`/`11.0.0.0`/`ods`, seed 001's Get
 * Task Settings sample) and KES for Linux (`KESL`/`Scan_My_Computer`) follow the emulator's task catalog
 * (decisions/0006); the product codes of Kaspersky Security for Windows Server and KES for Mac are not in any
 * source we have (spec §9 marks Scan Hosts [I]) and are best guesses: a host without the application is
 * refused before anything is created, so a wrong guess shows up as that refusal.
 */
const SCAN_TYPES = {
  'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)': {
    product: 'KES',
    version: '11.0.0.0',
    taskName: 'ods',
    application: 'Kaspersky Endpoint Security for Windows',
  },
  'Virus Scan with Kaspersky Endpoint Security 11.2.0 for Linux': {
    product: 'KESL',
    version: '11.0.0.0',
    taskName: 'Scan_My_Computer',
    application: 'Kaspersky Endpoint Security for Linux',
  },
  'Virus Scan with Kaspersky Security for Windows Server': {
    product: 'WSEE',
    version: '11.0.0.0',
    taskName: 'ods',
    application: 'Kaspersky Security for Windows Server',
  },
  'Virus Scan with Kaspersky Endpoint Security for Mac (11.2)': {
    product: 'KESMAC',
    version: '11.0.0.0',
    taskName: 'ods',
    application: 'Kaspersky Endpoint Security for Mac',
  },
} as const satisfies Record<string, ScanType>;

type ScanTypeName = keyof typeof SCAN_TYPES;
const SCAN_TYPE_NAMES = Object.keys(SCAN_TYPES) as [ScanTypeName, ...ScanTypeName[]];

const NETWORK_AGENT = '1103';
/** Host checks in flight: each is a few light reads. */
const HOST_CHECKS = 8;
const POLL_SECONDS = 15;
/** What D3's sample shows of each state change, plus the host id other commands take. */
const STATE_EVENT_FIELDS = [
  'event_id',
  'event_type',
  'hostdn',
  'hostname',
  'rise_time',
  'task_old_state',
  'task_new_state',
];

function describe(host: ResolvedHost): string {
  return `${host.displayName} (${host.id})`;
}

/**
 * The host a reference names, if the scan can run there: D3 creates the task anyway and it fails later on
 * the host ("Task cannot be performed"); here a host without Network Agent, without the application or with
 * an expired licence is refused up front, with the reason.
 */
async function scannableHost(
  ctx: KscContext,
  reference: string,
  scan: ScanType,
): Promise<{ host: ResolvedHost; product: string; version: string | undefined }> {
  const host = await resolveOneHost(ctx, reference, 'hostNames');
  const products = (await ctx.ksc.call('HostGroup.GetHostProducts', { strHostName: host.id })).PxgRetVal;
  if (products[NETWORK_AGENT] === undefined) {
    throw new KconnectError(
      'CONFLICT',
      `${describe(host)} has no Network Agent, so no task can reach it: the scan cannot run there`,
    );
  }
  // go-ksc's sample shows a server keying KES for Linux as "kesl": compare product names without case.
  const product = Object.keys(products).find((name) => name.toLowerCase() === scan.product.toLowerCase());
  const versions = product === undefined ? undefined : products[product];
  if (product === undefined || versions === undefined) {
    throw new KconnectError(
      'CONFLICT',
      `${scan.application} is not installed on ${describe(host)}: the scan cannot run there`,
    );
  }
  if (await licenceExpired(ctx, host.id)) {
    throw new KconnectError(
      'CONFLICT',
      `The licence of ${describe(host)} has expired: the application would refuse the scan ("Component not supported by license")`,
    );
  }
  return { host, product, version: Object.keys(versions)[0] };
}

const input = z.object({
  hostNames: inputs
    .hosts()
    .describe(
      'Host Names: the hosts to scan, each by display name (KLHST_WKS_DN, from List Hosts), id, FQDN or IPv4 address; wildcards and names several hosts share are refused',
    ),
  scanType: z
    .enum(SCAN_TYPE_NAMES)
    .describe(
      'Scan Type: the scan to run, by the application that runs it (it must be installed on the hosts)',
    ),
  scanDisplayName: inputs.taskDisplayName(
    'Scan Display Name: the name of the scan task KSC creates, at most 100 characters',
  ),
  ...waitInputs.untilTaskFinished(),
  idempotencyKey: inputs.idempotencyKey(),
});

const keyFields = z.object({
  ScanTaskID: z.string(),
  hostNames: z.array(z.string()),
  ScanNewState: z.array(z.number()),
  ScanNewStateDesc: z.array(z.string()),
  /** Beyond seed 001: the task's state over all its hosts (pending, running, completed, failed, …). */
  ScanState: z.string(),
});

interface Report {
  readonly progress: TaskProgress;
  readonly timedOut: boolean;
  readonly waitedSeconds: number;
  readonly hosts: Array<{ [key: string]: PlainJson }>;
  readonly events: ReturnType<typeof describeTaskEvents>;
  readonly newStates: number[];
}

/** `Scan Hosts` (seed 001): `Tasks.AddTask` of a scan task for the hosts, then `Tasks.RunTask` (decisions/0006). */
export const scanHosts: KscCommand<typeof input, typeof keyFields> = {
  name: 'scan_hosts',
  title: TITLE,
  description:
    'Starts a virus scan on one or more hosts: creates a scan task for those hosts in KSC (named ' +
    'scanDisplayName) and runs it. Returns at once with the task id and its state ("pending" until the ' +
    'hosts’ Network Agents pick it up); with wait=true it waits until the scan finished everywhere or ' +
    'waitTimeoutSeconds passed, and reports each host’s result. Hosts without Network Agent, without the ' +
    'application or with an expired licence are refused up front (409) and the others still scanned ' +
    '(Partially Successful). Follow a started scan with Wait For Task, Get Task Statistics or Get Scan ' +
    'Result. Side effects: creates a task and runs it (scans use the hosts’ resources). Give an ' +
    'idempotencyKey so that a retry does not start a second scan.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: false,
  vendor: 'ksc',
  api: {
    rights: [right(BASIC, 'Read', 'Execute', 'Perform operations on device selections'), KES_AV_READ],
    operations: [
      ...HOST_LOOKUP_METHODS,
      'HostGroup.GetHostProducts',
      'HostGroup.GetHostInfo',
      'Tasks.AddTask',
      'Tasks.RunTask',
      'Tasks.GetTaskStatistics',
      ...HOST_STATE_METHODS,
      'Tasks.GetTaskHistory',
      ...EVENT_RANGE_METHODS,
    ],
  },
  hints: { cliAliases: { hostNames: 'host' }, targetFields: ['hostNames'], waitField: 'waitTimeoutSeconds' },
  example: {
    hostNames: ['BR01-WS-0001'],
    scanType: 'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)',
    scanDisplayName: 'Virus Scan_kconnect',
  },
  async run(ctx, { hostNames, scanType, scanDisplayName, wait, waitTimeoutSeconds }) {
    const scan: ScanType = SCAN_TYPES[scanType];
    const references = [...new Set(hostNames)];
    const checked = await mapLimited(references, HOST_CHECKS, async (reference) => {
      try {
        return { reference, ok: await scannableHost(ctx, reference, scan) };
      } catch (error) {
        return { reference, error: errorEntry(TITLE, error, reference) };
      }
    });
    const hostErrors: CommandErrorEntry[] = checked.flatMap((c) => (c.error === undefined ? [] : [c.error]));
    const seen = new Set<string>();
    const targets = checked.flatMap((c) => {
      // Two names of one host scan it once.
      if (c.ok === undefined || seen.has(c.ok.host.id)) return [];
      seen.add(c.ok.host.id);
      return [c.ok];
    });
    if (targets.length === 0) return failedResult(TITLE, hostErrors);

    const taskId = (
      await ctx.ksc.call('Tasks.AddTask', {
        pData: {
          TASK_NAME: scan.taskName,
          // What the server calls the application and its version on these hosts; the table's when it says none.
          TASKID_PRODUCT_NAME: targets[0]!.product,
          TASKID_VERSION: targets.find((t) => t.version !== undefined)?.version ?? scan.version,
          TASKSCH_TYPE: 0,
          TASK_INFO_PARAMS: {
            DisplayName: scanDisplayName,
            HostList: targets.map((t) => ({
              HostName: t.host.id,
              HostDispName: t.host.displayName,
              Preliminary: false,
            })),
          },
        },
      })
    ).PxgRetVal;
    try {
      await ctx.ksc.call('Tasks.RunTask', { strTask: taskId });
    } catch (error) {
      if (!(error instanceof KconnectError)) throw error;
      const message = `Task ${taskId} was created but could not be started: ${error.message}`;
      throw new KconnectError(error.code, message, { cause: error });
    }

    // The scan runs from here on: whatever happens while looking at it, the caller must learn the task id.
    const lookErrors: CommandErrorEntry[] = [];
    let report: Report | undefined;
    try {
      const outcome = wait
        ? await waitUntilFinished(ctx, taskId, waitTimeoutSeconds, POLL_SECONDS)
        : undefined;
      const progress = outcome?.progress ?? (await readTaskProgress(ctx, taskId));
      const hosts = plainHostStates(await readHostStates(ctx, taskId));
      const history = await readTaskHistory(ctx, taskId, {
        fields: STATE_EVENT_FIELDS,
        filter: { event_type: 'KLPRCI_TaskState' },
        limit: 10_000,
      });
      report = {
        progress,
        timedOut: outcome?.timedOut ?? false,
        waitedSeconds: outcome?.waitedSeconds ?? 0,
        hosts,
        events: describeTaskEvents(history),
        newStates: history.records.flatMap((r) => numberOf(r, 'task_new_state')),
      };
    } catch (error) {
      lookErrors.push(errorEntry(TITLE, error, `task ${taskId}`));
    }

    const state = report?.progress.state ?? 'unknown';
    const items: WireJson[] = report?.events.items ?? [];
    return {
      status: statusOf(targets.length, hostErrors.length + lookErrors.length),
      raw: { taskId, pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: items } },
      context: {
        taskId,
        taskName: scanDisplayName,
        state,
        finished: report?.progress.finished ?? false,
        timedOut: report?.timedOut ?? false,
        waitedSeconds: report?.waitedSeconds ?? 0,
        hosts: report?.hosts ?? targets.map((t) => ({ hostname: t.host.id, hostdn: t.host.displayName })),
        events: report?.events.context ?? [],
      },
      keyFields: {
        ScanTaskID: taskId,
        hostNames: targets.map((t) => t.host.displayName),
        ScanNewState: report?.newStates ?? [],
        ScanNewStateDesc: report?.events.descriptions.filter((d): d is string => d !== undefined) ?? [],
        ScanState: state,
      },
      result: summaryTable(TITLE, { taskId, state }),
      errors: [...hostErrors, ...lookErrors],
    };
  },
};
