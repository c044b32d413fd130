/**
 * SrvView filter push-down (issue 21): `SrvView.ResetIterator` on `ACHostExeFilesSrvViewName` (file instances,
 * built host by host) with a filter on one host, against the whole view, at KCONNECT_BENCH_HOSTS hosts (100,000).
 * Each figure is the median wall time of five ResetIterator calls; the emulator runs in its own process.
 */
import { Agent, request } from 'undici';
import { startEmulator } from './_emulator-process.ts';

const HOSTS = Number(process.env['KCONNECT_BENCH_HOSTS'] ?? 100_000);
// The event history feeds the network lists (one item per quarantine, deletion, cure or failed cure).
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1000);
const PASSWORD = 'bench-only-password';
const VIEW = 'ACHostExeFilesSrvViewName';
const RUNS = 5;

const emulator = await startEmulator({ hosts: HOSTS, events: EVENTS, password: PASSWORD });
const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
let session = '';

async function call(method: string, body: unknown): Promise<Record<string, unknown>> {
  const auth =
    session === ''
      ? {
          Authorization: `KSCBasic user="${Buffer.from('admin').toString('base64')}", pass="${Buffer.from(PASSWORD).toString('base64')}"`,
        }
      : { 'X-KSC-Session': session };
  const response = await request(`${emulator.url}/api/v1.0/${method}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'Content-Type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  return JSON.parse(await response.body.text()) as Record<string, unknown>;
}

/** Median seconds of ResetIterator + GetRecordCount + ReleaseIterator with `filter`, and the record count. */
async function measure(
  filter: string,
  view = VIEW,
  fields = ['FILE_ID', 'FILE_NAME', 'HOST_NAME'],
  pParams: Record<string, unknown> = {},
): Promise<{ seconds: number; records: number }> {
  const times: number[] = [];
  let records = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const reset = await call('SrvView.ResetIterator', {
      wstrViewName: view,
      wstrFilter: filter,
      vecFieldsToReturn: fields,
      vecFieldsToOrder: [],
      pParams,
      lifetimeSec: 60,
    });
    const wstrIteratorId = reset['wstrIteratorId'];
    if (typeof wstrIteratorId !== 'string') throw new Error(`ResetIterator failed: ${JSON.stringify(reset)}`);
    records = (await call('SrvView.GetRecordCount', { wstrIteratorId }))['PxgRetVal'] as number;
    times.push((performance.now() - started) / 1000);
    await call('SrvView.ReleaseIterator', { wstrIteratorId });
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(RUNS / 2)] ?? NaN, records };
}

try {
  session = (await call('Session.StartSession', {}))['PxgRetVal'] as string;
  // A host that has file instances: the one of the view's 500,000th record.
  const opened = await call('SrvView.ResetIterator', {
    wstrViewName: VIEW,
    wstrFilter: '',
    vecFieldsToReturn: ['HOST_NAME'],
    vecFieldsToOrder: [],
    pParams: {},
    lifetimeSec: 60,
  });
  const range = await call('SrvView.GetRecordRange', {
    wstrIteratorId: opened['wstrIteratorId'],
    nStart: 500_000,
    nEnd: 500_001,
  });
  await call('SrvView.ReleaseIterator', { wstrIteratorId: opened['wstrIteratorId'] });
  // Plain JSON: a record in the array is `{"type":"params","value":{…}}`.
  const first = (range['pRecords'] as { KLCSP_ITERATOR_ARRAY: Array<{ value: Record<string, string> }> })
    .KLCSP_ITERATOR_ARRAY[0];
  const host = first?.value['HOST_NAME'];
  if (host === undefined) throw new Error(`no record at 500,000: ${JSON.stringify(range).slice(0, 200)}`);
  const oneHost = await measure(`(HOST_NAME = "${host}")`);
  const whole = await measure('');
  // The network list and the users view (decision 0075): a filter on one host, pushed down, against the same
  // filter with a conjunct on an item attribute that is true of every record, which builds every record first
  // (what the code before the push-down did for any filter).
  const listFields = ['nId', 'strHostName', 'szFileTitle'];
  const listed = await call('SrvView.ResetIterator', {
    wstrViewName: 'Quarantine',
    wstrFilter: '',
    vecFieldsToReturn: ['strHostName'],
    vecFieldsToOrder: [],
    pParams: {},
    lifetimeSec: 60,
  });
  const listRange = await call('SrvView.GetRecordRange', {
    wstrIteratorId: listed['wstrIteratorId'],
    nStart: 0,
    nEnd: 1,
  });
  const listHost =
    (listRange['pRecords'] as { KLCSP_ITERATOR_ARRAY: Array<{ value: Record<string, string> }> })
      .KLCSP_ITERATOR_ARRAY[0]?.value['strHostName'] ?? host;
  const quarantineOne = await measure(`(strHostName = "${listHost}")`, 'Quarantine', listFields);
  const quarantineBuilt = await measure(
    `(&(strHostName = "${listHost}")(nId > 0))`,
    'Quarantine',
    listFields,
  );
  const userFields = ['ul_llTrusteeId', 'ul_wstrDisplayName', 'ul_bVisited'];
  const visited = { strHostId: host };
  const usersOne = await measure('(ul_bVisited = 1)', 'GlobalUsersListSrvViewName', userFields, visited);
  const usersBuilt = await measure(
    '(&(ul_bVisited = 1)(ul_nVServer >= 0))',
    'GlobalUsersListSrvViewName',
    userFields,
    visited,
  );
  const figure = (m: { seconds: number; records: number }) => ({
    seconds: Number(m.seconds.toFixed(3)),
    records: m.records,
  });
  console.log(
    JSON.stringify({
      hosts: HOSTS,
      startupSeconds: Number(emulator.startupSeconds.toFixed(1)),
      oneHost: { seconds: Number(oneHost.seconds.toFixed(3)), records: oneHost.records },
      wholeView: { seconds: Number(whole.seconds.toFixed(3)), records: whole.records },
      quarantineOneHost: { pushed: figure(quarantineOne), built: figure(quarantineBuilt) },
      usersVisitedHost: { pushed: figure(usersOne), built: figure(usersBuilt) },
    }),
  );
} finally {
  await agent.close();
  await emulator.stop();
}
