import type { KscCommand, KscContext, KscRight } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import type { WireJson } from '../../wire/json.ts';
import {
  ACL_FREE,
  BASIC,
  BASIC_READ,
  EVERY_OPERATION,
  KEA_HIPS,
  KES_AV,
  READ_ONLY,
  right,
  type Operation,
  type RightArea,
} from './shared/flags.ts';
import { errorEntry } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

const TITLE = 'Test Connection';

/** Seed 001's "Permission Requirements" table, command by command (its section titles). */
export const SEED_PERMISSIONS: readonly { readonly title: string; readonly rights: readonly KscRight[] }[] = [
  { title: 'Fetch Event', rights: [right(BASIC, 'Read')] },
  { title: 'Get Execution File', rights: [right(BASIC, 'Read')] },
  { title: 'Get Host Status', rights: [right(BASIC, 'Read')] },
  { title: 'Get Open Ports', rights: [right(BASIC, 'Read')] },
  { title: 'Get Scan Result', rights: [right(BASIC, 'Read')] },
  { title: 'Get Task History', rights: [right(BASIC, 'Read'), right(KES_AV, 'Read')] },
  { title: 'Get Task Settings', rights: [right(BASIC, 'Read'), right(KES_AV, 'Read')] },
  { title: 'Get Task Statistics', rights: [right(BASIC, 'Read'), right(KES_AV, 'Read')] },
  { title: 'Get User By IP', rights: [right(BASIC, 'Read')] },
  { title: 'Isolate Hosts', rights: [right(BASIC, 'Read', 'Write')] },
  { title: 'List Applications', rights: [right(BASIC, 'Read')] },
  { title: 'List Execution Files', rights: [right(BASIC, 'Read')] },
  { title: 'List Groups', rights: [right(BASIC, 'Read')] },
  { title: 'List Hosts', rights: [right(BASIC, 'Read')] },
  { title: 'List Host Tasks', rights: [right(BASIC, 'Read')] },
  { title: 'List Quarantine Files', rights: [right(BASIC, 'Read'), right(KEA_HIPS, ...EVERY_OPERATION)] },
  { title: 'List Users', rights: [right(ACL_FREE, 'Read')] },
  { title: 'Quarantine Files', rights: [right(BASIC, 'Read'), right(KES_AV, ...EVERY_OPERATION)] },
  { title: 'Scan Hosts', rights: [right(BASIC, 'Execute', 'Perform operations on device selections')] },
  // The table spells it "Scan QuarantinedFiles"; the command's own section is "Scan Quarantined Files".
  { title: 'Scan Quarantined Files', rights: [right(BASIC, 'Read', 'Write')] },
  { title: 'Unisolate Hosts', rights: [right(BASIC, 'Read', 'Write')] },
  { title: 'Unquarantine Files', rights: [right(BASIC, 'Read')] },
  { title: 'Test Connection', rights: [right(BASIC, 'Read')] },
];

/** Every right the table names, one operation each, as `Product > Feature > Operation`. */
const ALL_RIGHTS: readonly string[] = [
  ...EVERY_OPERATION.map((op) => keyOf(BASIC, op)),
  keyOf(ACL_FREE, 'Read'),
  ...EVERY_OPERATION.map((op) => keyOf(KES_AV, op)),
  ...EVERY_OPERATION.map((op) => keyOf(KEA_HIPS, op)),
];

function keyOf(area: RightArea, operation: Operation): string {
  return `${area.product} > ${area.feature} > ${operation}`;
}

function keysOf(rights: readonly KscRight[]): string[] {
  return rights.flatMap((r) => r.operations.map((op) => keyOf(r, op)));
}

/** Rights as text, operations of one area together: `Product > Feature > Read, Write`. */
function listRights(keys: readonly string[]): string {
  const byArea = new Map<string, string[]>();
  for (const key of keys) {
    const cut = key.lastIndexOf(' > ');
    const area = key.slice(0, cut);
    const ops = byArea.get(area) ?? [];
    ops.push(key.slice(cut + 3));
    byArea.set(area, ops);
  }
  return [...byArea].map(([area, ops]) => `${area} > ${ops.join(', ')}`).join('; ');
}

function snakeName(title: string): string {
  return title.toLowerCase().replace(/\s+/g, '_');
}

type ProbeOutcome = 'ok' | 'denied' | 'failed' | 'skipped';

interface Probe {
  readonly method: string;
  /** What this call shows about the account, for people. */
  readonly checks: string;
  /** The rights KSC needs for it (seed 001's table for the command that makes this call). */
  readonly requires: readonly string[];
  readonly outcome: ProbeOutcome;
  readonly answer?: WireJson;
  readonly error?: { readonly code: string; readonly message: string };
}

type Verdict = 'granted' | 'denied' | 'not verified';
type CommandVerdict = 'allowed' | 'denied' | 'not verified';
type ScopeState = 'ok' | 'missing' | 'not verified';

/** Runs one probe: a denial is an answer, not a failure; losing the connection or the login ends the test. */
async function probe(
  probes: Probe[],
  method: string,
  checks: string,
  requires: readonly string[],
  call: () => Promise<WireJson>,
): Promise<Probe> {
  let done: Probe;
  try {
    done = { method, checks, requires, outcome: 'ok', answer: await call() };
  } catch (error) {
    if (!(error instanceof KconnectError)) throw error;
    if (error.code === 'ACCESS_DENIED') {
      done = {
        method,
        checks,
        requires,
        outcome: 'denied',
        error: { code: error.code, message: error.message },
      };
    } else if (
      error.code === 'UNAUTHENTICATED' ||
      error.code === 'UPSTREAM_UNAVAILABLE' ||
      error.code === 'TIMEOUT' ||
      error.code === 'RATE_LIMITED'
    ) {
      throw error;
    } else {
      done = {
        method,
        checks,
        requires,
        outcome: 'failed',
        error: { code: error.code, message: error.message },
      };
    }
  }
  probes.push(done);
  return done;
}

function skipped(
  probes: Probe[],
  method: string,
  checks: string,
  requires: readonly string[],
  why: string,
): void {
  probes.push({ method, checks, requires, outcome: 'skipped', error: { code: 'SKIPPED', message: why } });
}

function record(answer: WireJson | undefined, key: string): WireJson | undefined {
  if (answer === null || answer === undefined || typeof answer !== 'object' || Array.isArray(answer))
    return undefined;
  const value = answer[key];
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && value['type'] === 'params') {
    return value['value'];
  }
  return value;
}

async function readProbes(ctx: KscContext) {
  const probes: Probe[] = [];
  const basicRead = [keyOf(BASIC, 'Read')];
  const wire = async (answer: Promise<{ readonly wire: { readonly [name: string]: WireJson } }>) =>
    (await answer).wire;
  // Opening a view is what KSC checks the rights on; the records themselves are not needed.
  const openView = async (wstrViewName: string, field: string) => {
    const answer = await ctx.ksc.callWire('SrvView.ResetIterator', {
      wstrViewName,
      wstrFilter: '',
      vecFieldsToReturn: [field],
      vecFieldsToOrder: [],
      pParams: {},
      lifetimeSec: 60,
    });
    await ctx.ksc
      .call('SrvView.ReleaseIterator', { wstrIteratorId: answer.reply.wstrIteratorId })
      .catch(() => undefined);
    return answer.wire;
  };

  const info = await probe(
    probes,
    'HostGroup.GetStaticInfo',
    'login, and the server version',
    basicRead,
    () =>
      wire(
        ctx.ksc.callWire('HostGroup.GetStaticInfo', {
          pValues: ['KLADMSRV_PRODUCT_VERSION', 'KLADMSRV_SERVER_HOSTNAME', 'KLADMSRV_IS_VIRTUAL'],
        }),
      ),
  );
  let rootId: number | undefined;
  await probe(
    probes,
    'HostGroup.GroupIdGroups',
    'Basic functionality Read (a group read)',
    basicRead,
    async () => {
      const answer = await ctx.ksc.callWire('HostGroup.GroupIdGroups');
      rootId = answer.reply.PxgRetVal;
      return answer.wire;
    },
  );
  let counted: number | undefined;
  if (rootId === undefined) {
    skipped(probes, 'HostGroup.GetGroupInfoEx', 'hosts the server counts', basicRead, 'no root group id');
  } else {
    const nGroupId = rootId;
    await probe(
      probes,
      'HostGroup.GetGroupInfoEx',
      'hosts the server counts in "Managed devices"',
      basicRead,
      async () => {
        const answer = await ctx.ksc.callWire('HostGroup.GetGroupInfoEx', {
          nGroupId,
          pArrAttributes: ['KLGRP_CHLDHST_CNT'],
        });
        const n = answer.reply.PxgRetVal['KLGRP_CHLDHST_CNT'];
        if (typeof n === 'number') counted = n;
        return answer.wire;
      },
    );
  }
  let visible: number | undefined;
  await probe(
    probes,
    'HostGroup.FindHosts',
    'hosts a search returns (Managed devices scope)',
    basicRead,
    async () => {
      const answer = await ctx.ksc.callWire('HostGroup.FindHosts', {
        wstrFilter: '',
        vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
        vecFieldsToOrder: [],
        pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
        lMaxLifeTime: 60,
      });
      visible = answer.reply.PxgRetVal;
      await ctx.ksc
        .call('ChunkAccessor.Release', { strAccessor: answer.reply.strAccessor })
        .catch(() => undefined);
      return answer.wire;
    },
  );
  await probe(
    probes,
    'SrvView.ResetIterator GlobalUsersListSrvViewName',
    'Access objects regardless of their ACLs Read (the users view, as List Users reads it)',
    [keyOf(ACL_FREE, 'Read')],
    () => openView('GlobalUsersListSrvViewName', 'ul_llTrusteeId'),
  );
  let taskId: string | undefined;
  await probe(probes, 'Tasks.ResetTasksIterator', 'a task to read the settings of', basicRead, async () => {
    const answer = await ctx.ksc.callWire('Tasks.ResetTasksIterator', {});
    const strTaskIteratorId = answer.reply.strTaskIteratorId;
    try {
      const next = await ctx.ksc.call('Tasks.GetNextTask', { strTaskIteratorId });
      const id = next.pTaskData?.['TASK_UNIQUE_ID'];
      if (typeof id === 'string' && /^\d+$/.test(id)) taskId = id;
    } finally {
      await ctx.ksc.call('Tasks.ReleaseTasksIterator', { strTaskIteratorId }).catch(() => undefined);
    }
    return answer.wire;
  });
  const avRead = [...basicRead, keyOf(KES_AV, 'Read')];
  const taskDataChecks = 'Kaspersky Endpoint Security Anti-virus functionality Read (a task’s settings)';
  if (taskId === undefined) {
    skipped(probes, 'Tasks.GetTaskData', taskDataChecks, avRead, 'no task could be listed to read');
  } else {
    const strTask = taskId;
    await probe(probes, 'Tasks.GetTaskData', taskDataChecks, avRead, async () => {
      // The settings themselves are not needed (and may be large): only whether KSC lets the account read them.
      await ctx.ksc.call('Tasks.GetTaskData', { strTask });
      return { strTask };
    });
  }
  await probe(
    probes,
    'SrvView.ResetIterator Quarantine',
    'Kaspersky Endpoint Agent Host Intrusion Prevention (the Quarantine view, as List Quarantine Files reads it)',
    [...basicRead, ...keysOf([right(KEA_HIPS, ...EVERY_OPERATION)])],
    () => openView('Quarantine', 'nId'),
  );
  return { probes, info, counted, visible };
}

const input = z.object({});

const keyFields = z.object({
  Connected: z.boolean(),
  ServerVersion: z.string(),
  AdministrationServerScope: z.enum(['ok', 'missing', 'not verified']),
  ManagedDevicesScope: z.enum(['ok', 'missing', 'not verified']),
  AllowedCommands: z.array(z.string()),
  DeniedCommands: z.array(z.string()),
  UnverifiedCommands: z.array(z.string()),
});

/**
 * `Test Connection` (seed 001): logs in, checks both role scopes, and tells for every command of seed 001's
 * permission table whether the account's rights allow it, by probing one cheap read per right area.
 */
export const testConnection: KscCommand<typeof input, typeof keyFields> = {
  name: 'test_connection',
  title: TITLE,
  description:
    'Checks the connection and the account: logs in, then makes a few cheap reads and tells, for every ' +
    'command of seed 001’s permission table, whether the account may run it (allowed, denied, or not ' +
    'verified). Probed: the server facts and the root group id (login; Basic functionality Read in the ' +
    'Administration Server scope), the root group’s host counter against a host search (the Managed devices ' +
    'scope: without it the server counts hosts but searches return none), the users view (Access objects ' +
    'regardless of their ACLs Read), one task’s settings (Kaspersky Endpoint Security Anti-virus Read) and ' +
    'the Quarantine view (Kaspersky Endpoint Agent Host Intrusion Prevention, as List Quarantine Files needs ' +
    'it). Write, Execute and device-selection rights cannot be checked without changing something, so ' +
    'commands needing them are "not verified" unless a missing read already rules them out. Fails (403) when ' +
    'the account cannot read at all or lacks the Managed devices scope; fails with 401 on wrong credentials. ' +
    'Reads only; changes nothing.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [
      'HostGroup.GetStaticInfo',
      'HostGroup.GroupIdGroups',
      'HostGroup.GetGroupInfoEx',
      'HostGroup.FindHosts',
      'ChunkAccessor.Release',
      'SrvView.ResetIterator',
      'SrvView.ReleaseIterator',
      'Tasks.ResetTasksIterator',
      'Tasks.GetNextTask',
      'Tasks.ReleaseTasksIterator',
      'Tasks.GetTaskData',
    ],
  },
  example: {},
  async run(ctx) {
    const { probes, info, counted, visible } = await readProbes(ctx);

    // What the probes prove: a call that worked grants what it needs; a denied call whose needs are all known
    // granted but one denies that one; otherwise at least one of its unknown needs is missing.
    const granted = new Set(probes.filter((p) => p.outcome === 'ok').flatMap((p) => p.requires));
    const denied = new Map<string, string>();
    const deniedSets: { readonly rights: readonly string[]; readonly by: string }[] = [];
    for (const p of probes.filter((x) => x.outcome === 'denied')) {
      const unknown = p.requires.filter((r) => !granted.has(r));
      if (unknown.length === 1) denied.set(unknown[0]!, p.method);
      else if (unknown.length > 1) deniedSets.push({ rights: unknown, by: p.method });
    }
    const unprobed = new Map<string, string>();
    for (const p of probes.filter((x) => x.outcome === 'skipped' || x.outcome === 'failed')) {
      for (const r of p.requires) unprobed.set(r, `${p.method} ${p.outcome}: ${p.error?.message ?? ''}`);
    }
    const rights = ALL_RIGHTS.map((key) => {
      const operation = key.slice(key.lastIndexOf(' > ') + 3);
      let state: Verdict = 'not verified';
      let details: string;
      const set = deniedSets.find((s) => s.rights.includes(key));
      if (granted.has(key)) {
        state = 'granted';
        details = `KSC answered ${probes
          .filter((p) => p.outcome === 'ok' && p.requires.includes(key))
          .map((p) => p.method)
          .join(', ')}`;
      } else if (denied.has(key)) {
        state = 'denied';
        details = `KSC denied ${denied.get(key) ?? ''}`;
      } else if (set !== undefined) {
        details = `KSC denied ${set.by}: at least one of ${listRights(set.rights)} is missing`;
      } else if (unprobed.has(key)) {
        details = `not checked: ${unprobed.get(key) ?? ''}`;
      } else if (operation === 'Read') {
        details = 'not checked';
      } else {
        details = 'cannot be checked without changing something';
      }
      return { right: key, state, details };
    });
    const stateOf = new Map(rights.map((r) => [r.right, r]));

    const commands = SEED_PERMISSIONS.map(({ title, rights: needs }) => {
      const keys = keysOf(needs);
      const missing = keys.filter((k) => stateOf.get(k)?.state === 'denied');
      const set = deniedSets.find((s) => s.rights.every((r) => keys.includes(r)));
      const open = keys.filter((k) => stateOf.get(k)?.state !== 'granted');
      let verdict: CommandVerdict;
      let details: string;
      if (missing.length > 0) {
        verdict = 'denied';
        details = `lacks ${listRights(missing)}`;
      } else if (set !== undefined) {
        verdict = 'denied';
        details = `lacks at least one of ${listRights(set.rights)} (KSC denied ${set.by})`;
      } else if (open.length === 0) {
        verdict = 'allowed';
        details = 'every right it needs was confirmed';
      } else {
        verdict = 'not verified';
        details = `needs ${listRights(open)}, which could not be checked`;
      }
      return { command: title, name: snakeName(title), requires: keys, verdict, details };
    });

    const basicRead = stateOf.get(keyOf(BASIC, 'Read'))?.state;
    const adminScope: ScopeState =
      basicRead === 'granted' ? 'ok' : basicRead === 'denied' ? 'missing' : 'not verified';
    let devicesScope: ScopeState = 'not verified';
    let devicesDetails = 'the host search could not be made';
    if (visible !== undefined && visible > 0) {
      devicesScope = 'ok';
      devicesDetails = `a host search returns ${visible} host(s)`;
    } else if (visible === 0 && counted !== undefined && counted > 0) {
      devicesScope = 'missing';
      devicesDetails = `the server counts ${counted} host(s) in "Managed devices" but a host search returns none`;
    } else if (visible === 0) {
      devicesDetails = 'the server has no managed hosts to check against';
    }

    const errors: CommandErrorEntry[] = [];
    if (adminScope === 'missing') {
      errors.push(
        errorEntry(
          TITLE,
          new KconnectError(
            'ACCESS_DENIED',
            'The account has no Administration Server > General features > Basic functionality > Read right ' +
              'in the Administration Server scope: KSC denies every read, so no command can run. Assign the ' +
              'user a role with that right in both the Administration Server and the Managed devices scopes.',
          ),
        ),
      );
    }
    if (devicesScope === 'missing') {
      errors.push(
        errorEntry(
          TITLE,
          new KconnectError(
            'ACCESS_DENIED',
            `The account's role does not reach the Managed devices scope: ${devicesDetails}, so commands ` +
              'would find no hosts and return empty results. Assign the role in the Managed devices scope ' +
              'too (seed 001: both scopes are required).',
          ),
        ),
      );
    }

    const facts = record(info.answer, 'PxgRetVal');
    const fact = (name: string): WireJson | undefined =>
      facts !== null && facts !== undefined && typeof facts === 'object' && !Array.isArray(facts)
        ? facts[name]
        : undefined;
    const version = fact('KLADMSRV_PRODUCT_VERSION');
    const serverVersion = typeof version === 'string' ? version : '';
    const hostName = fact('KLADMSRV_SERVER_HOSTNAME');
    const virtual = fact('KLADMSRV_IS_VIRTUAL');
    const titles = (verdict: CommandVerdict) =>
      commands.filter((c) => c.verdict === verdict).map((c) => c.command);
    const probeView = (p: Probe): { [key: string]: PlainJson } => ({
      method: p.method,
      checks: p.checks,
      requires: [...p.requires],
      outcome: p.outcome,
      ...(p.error === undefined ? {} : { error: { ...p.error } }),
    });

    return {
      status: errors.length === 0 ? 'Successful' : 'Failed',
      raw: {
        probes: probes.map((p) => ({
          method: p.method,
          outcome: p.outcome,
          ...(p.answer === undefined ? {} : { answer: p.answer }),
          ...(p.error === undefined ? {} : { error: { ...p.error } }),
        })),
      },
      context: {
        connected: true,
        server: {
          version: serverVersion,
          hostName: typeof hostName === 'string' ? hostName : '',
          isVirtual: typeof virtual === 'boolean' ? virtual : null,
        },
        scopes: {
          administrationServer: {
            state: adminScope,
            details: `Basic functionality Read: ${stateOf.get(keyOf(BASIC, 'Read'))?.details ?? ''}`,
          },
          managedDevices: {
            state: devicesScope,
            details: devicesDetails,
            countedHosts: counted ?? null,
            visibleHosts: visible ?? null,
          },
        },
        rights: rights.map((r) => ({ ...r })),
        commands: commands.map((c) => ({ ...c, requires: [...c.requires] })),
        probes: probes.map(probeView),
      },
      keyFields: {
        Connected: true,
        ServerVersion: serverVersion,
        AdministrationServerScope: adminScope,
        ManagedDevicesScope: devicesScope,
        AllowedCommands: titles('allowed'),
        DeniedCommands: titles('denied'),
        UnverifiedCommands: titles('not verified'),
      },
      result: {
        title: TITLE,
        columns: ['Check', 'Outcome', 'Details'],
        rows: [
          [
            'Login',
            'ok',
            serverVersion === '' ? 'logged in' : `logged in to Kaspersky Security Center ${serverVersion}`,
          ],
          [
            'Administration Server scope',
            adminScope,
            `Basic functionality Read: ${stateOf.get(keyOf(BASIC, 'Read'))?.details ?? ''}`,
          ],
          ['Managed devices scope', devicesScope, devicesDetails],
          ...rights.map((r) => [`Right: ${r.right}`, r.state, r.details]),
          ...commands.map((c) => [`Command: ${c.command}`, c.verdict, c.details]),
        ],
      },
      errors,
    };
  },
};
