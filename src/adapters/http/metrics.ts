import type { SupervisedPipelineStatus } from '../../intake/supervisor.ts';
import type { PipelineState, PipelineStatus } from '../../intake/status.ts';
import type { ServerLoad } from './limits.ts';

/** Upper bounds of the latency histogram, in seconds: KSC reads take tens of ms, waits on agents minutes. */
export const LATENCY_BUCKETS: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A Prometheus label value: backslash, double quote and newline escaped (exposition format 0.0.4). */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Readonly<Record<string, string>>): string {
  const parts = Object.entries(pairs).map(([name, value]) => `${name}="${labelValue(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function number(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

/** Key of a label set; the unit separator cannot occur in command or connection names. */
const SEP = '\u001f';

/**
 * The service's metrics in Prometheus text format, kept in memory per replica (Prometheus scrapes each replica
 * and sums): command calls by outcome, errors by code and latency, each per command and per KSC connection.
 */
export class ServiceMetrics {
  private readonly calls = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly started: number;

  constructor(private readonly now: () => number = Date.now) {
    this.started = now();
  }

  /**
   * Counts one command call. `seconds` is given for calls that ran; refusals (401, 403, 429) count as calls with
   * their outcome and an error, but not in the latency of the command.
   */
  observe(call: {
    readonly command: string;
    readonly connection: string;
    readonly outcome: string;
    readonly errorCode: string | null;
    readonly seconds?: number;
  }): void {
    const key = [call.command, call.connection].join(SEP);
    const callKey = [key, call.outcome].join(SEP);
    this.calls.set(callKey, (this.calls.get(callKey) ?? 0) + 1);
    if (call.errorCode !== null) {
      const errorKey = [key, call.errorCode].join(SEP);
      this.errors.set(errorKey, (this.errors.get(errorKey) ?? 0) + 1);
    }
    if (call.seconds !== undefined) {
      let histogram = this.latency.get(key);
      if (histogram === undefined) {
        histogram = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
        this.latency.set(key, histogram);
      }
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        if (call.seconds <= (LATENCY_BUCKETS[i] ?? 0)) histogram.counts[i] = (histogram.counts[i] ?? 0) + 1;
      }
      histogram.sum += call.seconds;
      histogram.count++;
    }
  }

  /**
   * The exposition text; `load` adds the in-flight and queued calls per server at scrape time, `pipelines` the
   * intake pipelines' figures.
   */
  render(load: readonly ServerLoad[] = [], pipelines: readonly SupervisedPipelineStatus[] = []): string {
    const out: string[] = [];
    out.push(
      '# HELP kconnect_command_calls_total Command calls by command, KSC connection and outcome.',
      '# TYPE kconnect_command_calls_total counter',
    );
    for (const [key, value] of this.calls) {
      const [command = '', connection = '', outcome = ''] = key.split(SEP);
      out.push(`kconnect_command_calls_total${labels({ command, connection, outcome })} ${value}`);
    }
    out.push(
      '# HELP kconnect_command_errors_total Failed or refused command calls by the code of their first error.',
      '# TYPE kconnect_command_errors_total counter',
    );
    for (const [key, value] of this.errors) {
      const [command = '', connection = '', code = ''] = key.split(SEP);
      out.push(`kconnect_command_errors_total${labels({ command, connection, code })} ${value}`);
    }
    out.push(
      '# HELP kconnect_command_duration_seconds Time from the start of a command call to its result.',
      '# TYPE kconnect_command_duration_seconds histogram',
    );
    for (const [key, histogram] of this.latency) {
      const [command = '', connection = ''] = key.split(SEP);
      LATENCY_BUCKETS.forEach((le, i) => {
        out.push(
          `kconnect_command_duration_seconds_bucket${labels({ command, connection, le: number(le) })} ${histogram.counts[i] ?? 0}`,
        );
      });
      out.push(
        `kconnect_command_duration_seconds_bucket${labels({ command, connection, le: '+Inf' })} ${histogram.count}`,
        `kconnect_command_duration_seconds_sum${labels({ command, connection })} ${number(histogram.sum)}`,
        `kconnect_command_duration_seconds_count${labels({ command, connection })} ${histogram.count}`,
      );
    }
    out.push(
      '# HELP kconnect_ksc_calls_in_flight Command calls running against a KSC server.',
      '# TYPE kconnect_ksc_calls_in_flight gauge',
    );
    for (const l of load)
      out.push(`kconnect_ksc_calls_in_flight${labels({ connection: l.connection })} ${l.active}`);
    out.push(
      '# HELP kconnect_ksc_calls_queued Command calls waiting for a slot on a KSC server.',
      '# TYPE kconnect_ksc_calls_queued gauge',
    );
    for (const l of load)
      out.push(`kconnect_ksc_calls_queued${labels({ connection: l.connection })} ${l.queued}`);
    out.push(...pipelineMetrics(pipelines));
    out.push(
      '# HELP kconnect_uptime_seconds Seconds since this replica started.',
      '# TYPE kconnect_uptime_seconds gauge',
      `kconnect_uptime_seconds ${number((this.now() - this.started) / 1000)}`,
    );
    return `${out.join('\n')}\n`;
  }
}

/** Every state a pipeline can be in: `kconnect_intake_state` has a line for each. */
const PIPELINE_STATES = [
  'starting',
  'backfill',
  'following',
  'retrying',
  'stopping',
  'stopped',
  'failed',
] as const satisfies readonly PipelineState[];
// Fails to compile when a state is added to the runner and not here.
const everyState: Exclude<PipelineState, (typeof PIPELINE_STATES)[number]> extends never ? true : never =
  true;
void everyState;

/**
 * The intake pipelines' figures: the totals come from the committed checkpoint (so they survive restarts and
 * count what is durably in the sink), the rest from the live status.
 */
function pipelineMetrics(pipelines: readonly SupervisedPipelineStatus[]): string[] {
  const out: string[] = [];
  const family = (
    name: string,
    type: string,
    help: string,
    value: (p: SupervisedPipelineStatus) => number | null,
  ) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const p of pipelines) {
      const v = value(p);
      if (v !== null) out.push(`${name}${labels({ pipeline: p.pipeline })} ${number(v)}`);
    }
  };
  family(
    'kconnect_intake_records_total',
    'counter',
    'Records a pipeline read and committed, since it started from scratch.',
    (p) => p.totals.records,
  );
  family(
    'kconnect_intake_documents_total',
    'counter',
    'Documents a pipeline wrote to its sink and committed, since it started from scratch.',
    (p) => p.totals.documents,
  );
  family(
    'kconnect_intake_gaps_total',
    'counter',
    'Gaps a pipeline reported: records the vendor deleted before the pipeline read them.',
    (p) => p.totals.gaps,
  );
  family(
    'kconnect_intake_lag_seconds',
    'gauge',
    'Seconds between the newest record a pipeline read and its commit; 0 at the head.',
    (p) => p.lagSeconds,
  );
  family(
    'kconnect_intake_last_commit_timestamp_seconds',
    'gauge',
    'When a pipeline last committed a batch, in seconds since the epoch.',
    (p) => (p.lastBatch === undefined ? null : Date.parse(p.lastBatch.at) / 1000),
  );
  family(
    'kconnect_intake_errors',
    'gauge',
    "Errors in a pipeline's status (the most recent ones, retried or not).",
    (p) => p.errors.length,
  );
  family(
    'kconnect_intake_restarts_total',
    'counter',
    'Restarts of a pipeline after a failure, since this replica started.',
    (p) => p.restarts,
  );
  // Per sink (issue 19): a pipeline with one `sink:` has one line, labelled with its sink's type.
  const sinkFamily = (name: string, type: string, help: string, value: (s: PipelineStatus) => number) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const p of pipelines)
      for (const s of p.sinks ?? [p])
        out.push(
          `${name}${labels({ pipeline: p.pipeline, sink: s.sink ?? p.sinkType })} ${number(value(s))}`,
        );
  };
  sinkFamily(
    'kconnect_intake_sink_records_total',
    'counter',
    'Records committed at a sink (its own checkpoint), since it started from scratch.',
    (s) => s.totals.records,
  );
  sinkFamily(
    'kconnect_intake_dead_lettered_total',
    'counter',
    'Documents a sink refused for good, written to its dead-letter file (R12).',
    (s) => s.totals.deadLettered ?? 0,
  );
  sinkFamily(
    'kconnect_intake_sink_up',
    'gauge',
    'Whether a sink accepts writes: 0 while its writes fail and are retried (R11) or its run failed.',
    (s) =>
      s.state === 'failed' ||
      (s.state === 'retrying' && (s.blockedStage === 'sink-write' || s.blockedStage === 'sink-open'))
        ? 0
        : 1,
  );
  sinkFamily(
    'kconnect_intake_retries_total',
    'counter',
    "Transient failures retried in a sink's current run.",
    (s) => s.retries ?? 0,
  );
  out.push(
    "# HELP kconnect_intake_state A pipeline's state: 1 for the state it is in, 0 for the others.",
    '# TYPE kconnect_intake_state gauge',
  );
  for (const p of pipelines) {
    for (const state of PIPELINE_STATES) {
      out.push(
        `kconnect_intake_state${labels({ pipeline: p.pipeline, state })} ${p.state === state ? 1 : 0}`,
      );
    }
  }
  return out;
}
