/**
 * The proof's registry: every reliability scenario (R1–R24) and benchmark target (B1–B8) of
 * ../shared/spec/performance-and-reliability.md, with the spec's pass criterion in its words and how the proof
 * runs it. A row runs a vitest file (optionally one test by name, with env for the spec's scale), a benchmark
 * file, the proof's own secret scan (R17), or says why it cannot run yet.
 */

/** How a row is run. */
export type RowRunner =
  | {
      readonly kind: 'vitest';
      /** Test files, relative to the repository root. */
      readonly files: readonly string[];
      /** A `-t` pattern picking the tests of the row out of a larger file. */
      readonly testName?: string;
      /** Extra environment, e.g. the spec's scale (`INTAKE_R1_EVENTS=1000000`). */
      readonly env?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'script';
      /** A benchmark or proof script run with tsx, relative to the repository root (`bench/intake.ts`). */
      readonly file: string;
      readonly args?: readonly string[];
      readonly env?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'secretScan' }
  | { readonly kind: 'notApplicable'; readonly reason: string };

export interface ProofRow {
  readonly id: string;
  readonly scenario: string;
  /** What the row injects (the spec's "Injection" column, or the benchmark's load). */
  readonly injected: string;
  /** The pass criterion, in the spec's words. */
  readonly criterion: string;
  readonly run: RowRunner;
  /** Part of `--fast` (and of CI through test/proof/proof-fast.test.ts): finishes in well under a minute. */
  readonly fast: boolean;
  /** What the runnable part does not cover yet, printed beside the figure so a pass is never read as more. */
  readonly limit?: string;
}

const vitest = (
  files: string | readonly string[],
  extra: { testName?: string; env?: Record<string, string> } = {},
): RowRunner => ({ kind: 'vitest', files: typeof files === 'string' ? [files] : files, ...extra });

const bench = (file: string, env: Record<string, string> = {}): RowRunner => ({
  kind: 'script',
  file: `bench/${file}`,
  env,
});

/** A benchmark run once on loopback and once over the shaped WAN link (proof/each-link.ts). */
const eachLink = (file: string, env: Record<string, string> = {}): RowRunner => ({
  kind: 'script',
  file: 'proof/each-link.ts',
  args: [`bench/${file}`, 'loopback,wan'],
  env,
});

export const ROWS: readonly ProofRow[] = [
  {
    id: 'R1',
    scenario: 'Crash mid-batch',
    injected: 'kill -9 at 100 random points while 1M events flow (kconnect intake run, file sink)',
    criterion:
      'After restart: 0 lost, 0 duplicated at the file/NDJSON sink (ledger by event_db_id); resume ≤ 5 s',
    run: vitest('test/intake/crash-cli.test.ts', {
      env: { INTAKE_R1_EVENTS: '1000000', INTAKE_R1_KILLS: '100' },
    }),
    fast: false,
  },
  {
    id: 'R2',
    scenario: 'Crash consistency of state',
    injected: 'torn, zero-length and bit-flipped checkpoint generations',
    criterion:
      'The checkpoint is never zero-length or corrupt; startup detects an unreadable checkpoint, refuses to guess, resumes from the last valid generation; no silent rewind',
    run: vitest('test/intake/checkpoints.test.ts'),
    fast: true,
    limit:
      'no power cut (dm-flakey) or strace fsync=EIO injection: needs root; corrupt generations are written directly',
  },
  {
    id: 'R3',
    scenario: 'Flaky network',
    injected: 'fault proxy reset_peer, toxicity 0.10, on KSC, KICS and the webhook sink',
    criterion:
      '100 % of read commands succeed; ≤ 3 attempts per call; mutating commands: exactly one effective action per request',
    run: vitest(['test/reliability/r3-flaky-network.test.ts', 'test/intake/sinks/webhook/sink.test.ts'], {
      testName: 'R3|flaky network',
    }),
    fast: true,
  },
  {
    id: 'R4',
    scenario: 'Slow or hung KSC',
    injected: 'latency 2 s ± 1 s, then timeout 0 (fault proxy)',
    criterion:
      'Per-call timeout fires; the circuit opens after the threshold; no unbounded queue growth; closes through half-open after recovery; intake resumes with 0 loss',
    run: vitest('test/reliability/r4-hung-upstream.test.ts'),
    fast: true,
  },
  {
    id: 'R5',
    scenario: 'Truncated or sliced responses',
    injected: 'slicer and limit_data mid-body (fault proxy)',
    criterion: 'Classified as retryable transport errors; no crash, no partial page committed',
    run: vitest('test/reliability/r5-truncated-responses.test.ts'),
    fast: true,
  },
  {
    id: 'R6',
    scenario: 'Session expiry mid-iteration',
    injected: 'the emulator expires the session mid-read',
    criterion:
      'Transparent re-login: exactly 1 login per expiry (single-flight across workers); iteration continues at the cursor; 0 lost or duplicated',
    run: vitest(['test/intake/sources/ksc-events.test.ts', 'test/ksc/client/client.test.ts'], {
      testName: 'R6|logs in again exactly once',
    }),
    fast: true,
  },
  {
    id: 'R7',
    scenario: 'Iterator expiry',
    injected: 'emulator iterator TTL shorter than the consumer’s pause',
    criterion:
      'Iterator recreated and resumed from the cursor; Release called for every accessor (open count back to 0)',
    run: vitest('test/intake/sources/ksc-events.test.ts', { testName: 'R7|releases its iterators' }),
    fast: true,
  },
  {
    id: 'R8',
    scenario: 'Bad credentials',
    injected: 'wrong password, 16 concurrent callers',
    criterion: 'Exactly 1 login attempt in total; clear error; the emulator’s lockout counter stays ≤ 1',
    run: vitest('test/ksc/client/client.test.ts', { testName: 'wrong password' }),
    fast: true,
  },
  {
    id: 'R9',
    scenario: 'Malformed or malicious filter input',
    injected:
      'host name *, a*, x" ) (KLHST_WKS_DN="*, NUL and other C0/C1 controls, 10 kB string; a non-GUID host id is looked up as a name by design (host fields take an id, name, FQDN or IP)',
    criterion:
      'Clear validation error and zero requests sent (emulator counter unchanged); destructive commands refuse when more than one host matches',
    run: vitest('test/reliability/r9-malicious-input.test.ts'),
    fast: true,
  },
  {
    id: 'R10',
    scenario: '1000 concurrent command requests to the service',
    injected: 'load generator, emulator at 50 ms per call, pool P = 16',
    criterion:
      '0 errors (or 429 with Retry-After above the queue depth); ≤ P concurrent connections at the emulator; RSS ≤ 200 MB; throughput ≥ 90 % of P/latency',
    run: bench('http-service.ts'),
    fast: false,
  },
  {
    id: 'R11',
    scenario: 'Sink outage and backpressure',
    injected: 'webhook answers 503 for a while; the syslog peer goes down; one of several sinks down',
    criterion:
      'KSC polling pauses (no unbounded buffer); RSS bounded; after recovery 0 loss, order kept per stream',
    run: vitest(['test/intake/several-sinks.test.ts', 'test/intake/sinks/webhook/sink.test.ts'], {
      testName: 'sink down|503 for a while',
    }),
    fast: true,
    limit:
      'outages of seconds here; the 10-minute outage is `KCONNECT_BENCH_OUTAGE_SECONDS=600 npm run bench -- intake-sink-outage` (docs/benchmarks.md: RSS flat, 0 lost of 125,800, caught up 23 s after recovery), too long for this row',
  },
  {
    id: 'R12',
    scenario: 'Permanent sink rejection',
    injected: 'webhook answers 400 for specific events',
    criterion:
      'Events go to a dead-letter file with the reason; no infinite retry; the cursor advances; DLQ count emitted',
    run: vitest('test/intake/several-sinks.test.ts', { testName: 'dead-letter|refusal' }),
    fast: true,
  },
  {
    id: 'R13',
    scenario: 'Ack-based sinks',
    injected: 'NATS JetStream: kill -9 between publish and commit, server down mid-run',
    criterion:
      'Cursor advances only after the ack; no loss; duplicates ≤ 1 batch, none when the sink dedupes by key',
    run: vitest('test/intake/sinks/nats/nats-crash.test.ts'),
    fast: false,
    limit: 'NATS JetStream (dedupe by Nats-Msg-Id) stands for HEC indexer ack and Kafka transactions',
  },
  {
    id: 'R14',
    scenario: 'Late or out-of-order events',
    injected: 'the emulator inserts events with a rise_time below the cursor',
    criterion: 'Caught by the lookback window; 0 duplicates thanks to the seen-ID window',
    run: vitest('test/intake/sources/ksc-events.test.ts', { testName: 'R14' }),
    fast: true,
  },
  {
    id: 'R15',
    scenario: 'Upstream eviction',
    injected: 'the emulator deletes the oldest events while the intake lags',
    criterion: 'A gap is detected and reported (record + metric + log); the intake continues',
    run: vitest('test/intake/sources/ksc-events.test.ts', { testName: 'R15' }),
    fast: true,
  },
  {
    id: 'R16',
    scenario: 'TLS',
    injected: 'untrusted, pinned-mismatch, host-name-mismatch, expired, expiring and rotated certificates',
    criterion:
      'Refused with an actionable error; pinned certificate accepted; current + reserve pin survives rotation; insecure only by explicit flag, with a warning',
    run: vitest(['test/ksc/client/tls.test.ts', 'test/kics/client/tls.test.ts']),
    fast: true,
  },
  {
    id: 'R17',
    scenario: 'No secrets in logs',
    injected: 'every row of this run at debug level, plus the forced errors of the rows',
    criterion:
      'A search of all logs, database files and crash reports for passwords, base64(password), KSCBasic, session and KICS tokens, API and webhook tokens → 0 hits',
    run: { kind: 'secretScan' },
    fast: true,
  },
  {
    id: 'R18',
    scenario: 'Audit completeness',
    injected: 'mutating commands through the service, with failures, denials and retries',
    criterion:
      'Exactly one audit record per request with actor, target, X-KSC-RequestId and outcome; retries linked by correlation id',
    run: vitest('test/adapters/http/audit.test.ts'),
    fast: true,
  },
  {
    id: 'R19',
    scenario: 'SSRF',
    injected:
      'webhook URL at 169.254.169.254, 127.0.0.1, file://, a 302 to an internal address, DNS rebinding',
    criterion: 'Rejected at configuration load or time of use; no outbound connection made',
    run: vitest(['test/net/ssrf.test.ts', 'test/intake/sinks/webhook/config.test.ts']),
    fast: true,
  },
  {
    id: 'R20',
    scenario: 'Graceful shutdown',
    injected: 'SIGTERM mid-batch',
    criterion: 'In-flight batch flushed and checkpointed within the deadline; no duplicates on restart',
    run: vitest('test/intake/crash-process.test.ts', { testName: 'R20' }),
    fast: true,
  },
  {
    id: 'R21',
    scenario: 'Soak',
    injected:
      '1k events/s, 1 % mixed faults at the proxy (reset, latency, slicer, limit_data), session and iterator expiry every minute, for --duration (default 10 min; spec: 24 h)',
    criterion:
      'RSS slope < 1 MB/h after warm-up; FD count stable; emulator open accessors back to 0; 0 loss and 0 duplicates in the ledger',
    run: { kind: 'script', file: 'proof/soak.ts' },
    fast: false,
    limit:
      'the slope is that of the heap after each full GC (RSS is a GC saw-tooth; RSS is judged by its envelope), and a run shorter than hours resolves it only to the ± its figure shows: it fails only when growth of ≥ 1 MB/h stands out of that interval (decision 0071)',
  },
  {
    id: 'R22',
    scenario: 'Response fuzzing',
    injected:
      'malformed JSON, wrong types, huge strings, missing PxgError fields: the KLOAPI decoder fuzzed, and the emulator answering each kind 3 times on the intake’s GetRecordRange and on the pages of list_hosts and list_users',
    criterion: 'No crash; errors classified; no partial commit',
    run: vitest(['test/ksc/codec.test.ts', 'test/reliability/r22-malformed-answers.test.ts']),
    fast: true,
  },
  {
    id: 'R23',
    scenario: 'Idempotent response commands',
    injected: 'the same isolate request twice with one idempotency key, also on two service replicas at once',
    criterion: 'One KSC action; the second call returns the first result',
    run: vitest([
      'test/commands/idempotency.test.ts',
      'test/adapters/http/idempotency.test.ts',
      'test/commands/ksc/isolate-hosts.test.ts',
    ]),
    fast: true,
  },
  {
    id: 'R24',
    scenario: 'KICS token lifecycle',
    injected: 'emulator token TTL shortened; connector account blocked or deleted mid-run',
    criterion:
      'Proactive refresh before expiry with no failed call; a blocked account becomes a fatal, clearly reported state after one re-auth attempt',
    run: vitest('test/kics/client/tokens.test.ts'),
    fast: true,
  },
  {
    id: 'B1',
    scenario: 'Events/s per core, end to end',
    injected:
      'emulator → map → NDJSON, durable commit every 1000 events; on loopback, then over a 100 Mbit/s link with 20 ms RTT (gzip)',
    criterion: '≥ 100k events/s per client core',
    run: eachLink('intake.ts'),
    fast: false,
    limit:
      'on the 100 Mbit/s, 20 ms RTT link the shaped link is a proxy inside the intake process: its relaying counts as intake CPU (an upper bound)',
  },
  {
    id: 'B2',
    scenario: 'Backfill of 45M events, 4 cores',
    injected: '45M events from the emulator with ≤ 4 parallel iterators',
    criterion: '≤ 10 min (≥ 75k events/s aggregate)',
    run: {
      kind: 'notApplicable',
      reason:
        'needs 4 cores and a 45M-event world (this machine: 2 shared cores); bench/intake.ts gives the per-core rate B2 extrapolates from (B1)',
    },
    fast: false,
  },
  {
    id: 'B3',
    scenario: 'Enumerate 100k hosts (5 fields)',
    injected:
      'chunked iteration over 100,000 hosts, on loopback, then over a 100 Mbit/s link with 20 ms RTT (gzip, bench/_link.ts)',
    criterion: '≤ 2 s on loopback; ≤ 5 s with 20 ms RTT; ≤ 120 MB RSS; accessor always released',
    run: eachLink('ksc-client.ts'),
    fast: false,
  },
  {
    id: 'B4',
    scenario: 'Memory held while streaming 1M events',
    injected: '1,000,000 events through the intake',
    criterion: 'Peak RSS ≤ 150 MB and independent of N',
    run: bench('intake.ts', { KCONNECT_BENCH_EVENTS: '1000000' }),
    fast: false,
  },
  {
    id: 'B5',
    scenario: 'Command fan-out',
    injected: '1000 concurrent commands, emulator at 50 ms per call, pool P = 16',
    criterion:
      '≥ 288 commands/s; 0 errors; ≤ P concurrent connections; p99 service overhead ≤ 5 ms; RSS ≤ 200 MB',
    run: bench('http-service.ts'),
    fast: false,
  },
  {
    id: 'B6',
    scenario: 'Freshness',
    injected: 'live events at 200/s with a 5 s poll interval',
    criterion: 'p99 ≤ 10 s from creation to the sink',
    run: bench('intake-freshness.ts', { KCONNECT_BENCH_SECONDS: '60' }),
    fast: false,
  },
  {
    id: 'B7',
    scenario: 'Recovery after kill -9',
    injected: 'kill -9 of kconnect intake run mid-stream, then restart',
    criterion: 'Resume in ≤ 5 s; 0 lost, 0 duplicated at file and NDJSON sinks',
    run: bench('intake-recovery.ts'),
    fast: false,
  },
  {
    id: 'B8',
    scenario: 'Emulator capacity',
    injected: 'a plain client driving the KSC emulator as fast as it answers',
    criterion: '≥ 200k events/s served per core; ≥ 5k calls/s for small methods',
    run: bench('ksc-emulator.ts'),
    fast: false,
  },
];

/** The ids the spec defines: every one must have a row. */
export const SPEC_IDS: readonly string[] = [
  ...Array.from({ length: 24 }, (_, i) => `R${i + 1}`),
  ...Array.from({ length: 8 }, (_, i) => `B${i + 1}`),
];

/** The files a row's runner needs, relative to the repository root. */
export function filesOf(row: ProofRow): string[] {
  switch (row.run.kind) {
    case 'vitest':
      return [...row.run.files];
    case 'script':
      return [row.run.file];
    default:
      return [];
  }
}
