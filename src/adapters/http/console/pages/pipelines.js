// @ts-check
// The intake pipelines the service runs: per pipeline its state, lag, throughput and totals (refreshed every few
// seconds), a chart of throughput and lag over the last hour (each with its numbers as a table), and the last
// errors and gaps.

import { read } from '../lib/api.js';
import { timeChart } from '../lib/charts.js';
import { badge, cellText, fill, h, muted, table, time } from '../lib/dom.js';
import { every, lazySection, show } from '../lib/view.js';

/**
 * @typedef {object} PipelineError
 * @property {string} at
 * @property {string} stage
 * @property {string} message
 * @property {string} name
 * @property {string} [code]
 * @property {boolean} retryable
 */

/**
 * @typedef {object} Pipeline
 * @property {string} name
 * @property {{ type: string, connection: string | null }} source
 * @property {string} mapping
 * @property {{ type: string, target: string }} sink
 * @property {string} state
 * @property {number} generation
 * @property {number | null} lagSeconds
 * @property {{ records?: number, seconds?: number } | null} behind
 * @property {{ records: number, documents: number, gaps: number, durationMs: number, at: string } | null} lastBatch
 * @property {{ records: number, documents: number, gaps: number }} totals
 * @property {number} restarts
 * @property {string | null} restartAt
 * @property {PipelineError | null} lastFailure
 * @property {PipelineError[]} errors
 * @property {{ key: string, time: string, data: unknown }[]} gaps
 * @property {PipelineSink[]} [sinks]
 */

/**
 * One sink of a pipeline with its own checkpoint (issue 19): a pipeline with a single `sink:` has one.
 *
 * @typedef {object} PipelineSink
 * @property {string} name
 * @property {string} type
 * @property {string} target
 * @property {string} state
 * @property {number} generation
 * @property {{ records: number, documents: number, gaps: number } | null} totals
 * @property {number} deadLettered
 * @property {{ records: number, at: string } | null} lastBatch
 * @property {number} retries
 * @property {string | null} blockedStage
 * @property {string | null} blockedSince
 * @property {string | null} deadLetter
 */

/**
 * @typedef {object} Sample
 * @property {string} at
 * @property {number} records
 * @property {number} documents
 * @property {number | null} lagSeconds
 */

/** How often the summary refreshes. */
const REFRESH_MS = 3000;
/** The throughput figure of the summary: records over the last this many seconds of history. */
const RATE_WINDOW_SECONDS = 60;

/** How each state reads, and the badge colour it gets. */
const STATES = /** @type {Record<string, [string, string]>} */ ({
  starting: ['Starting', 'pending'],
  backfill: ['Backfill', 'pending'],
  following: ['Following', 'ok'],
  retrying: ['Retrying', 'Warning'],
  stopping: ['Stopping', 'pending'],
  stopped: ['Stopped', 'quiet'],
  failed: ['Failed', 'bad'],
});

/** @param {string} state */
function stateBadge(state) {
  const [text, kind] = STATES[state] ?? [state, ''];
  return badge(text, kind);
}

/** @param {number | null} seconds */
function lagText(seconds) {
  if (seconds === null) return 'unknown';
  if (seconds < 1) return '0 s';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/**
 * Records a second between consecutive samples, at the later one's time (Unix seconds).
 *
 * @param {Sample[]} history
 */
function rates(history) {
  /** @type {{ at: number, rate: number, lag: number }[]} */
  const points = [];
  for (let i = 1; i < history.length; i++) {
    const before = /** @type {Sample} */ (history[i - 1]);
    const after = /** @type {Sample} */ (history[i]);
    const seconds = (Date.parse(after.at) - Date.parse(before.at)) / 1000;
    if (seconds <= 0) continue;
    points.push({
      at: Date.parse(after.at) / 1000,
      rate: Math.round((after.records - before.records) / seconds),
      lag: Math.round(after.lagSeconds ?? 0),
    });
  }
  return points;
}

/**
 * Records a second over the last minute of the history, or null without two samples in it.
 *
 * @param {Sample[]} history
 */
function recentRate(history) {
  const last = history.at(-1);
  if (last === undefined) return null;
  const since = Date.parse(last.at) - RATE_WINDOW_SECONDS * 1000;
  const first = history.find((s) => Date.parse(s.at) >= since);
  if (first === undefined || first === last) return null;
  return (last.records - first.records) / ((Date.parse(last.at) - Date.parse(first.at)) / 1000);
}

/** @param {number} seconds Unix seconds */
const clock = (seconds) => new Date(seconds * 1000).toLocaleTimeString();

/**
 * The facts of a pipeline: what it does and how far it got.
 *
 * @param {Pipeline} p
 * @param {number | null} rate
 */
function facts(p, rate) {
  /** @type {[string, string | Node][]} */
  const rows = [
    ['State', stateBadge(p.state)],
    ['Lag', lagText(p.lagSeconds)],
    ['Throughput', rate === null ? 'not measured yet' : `${Math.round(rate)} records/s`],
    ['Records read', String(p.totals.records)],
    ['Documents written', String(p.totals.documents)],
    ['Gaps', String(p.totals.gaps)],
    ['Source', `${p.source.type}${p.source.connection === null ? '' : ` (${p.source.connection})`}`],
    ['Mapping', p.mapping],
    ['Sink', `${p.sink.type}: ${p.sink.target}`],
    ['Checkpoint', `generation ${p.generation}`],
    [
      'Last batch',
      p.lastBatch === null
        ? 'none yet'
        : `${p.lastBatch.records} records in ${p.lastBatch.durationMs} ms, ${time(p.lastBatch.at)}`,
    ],
    ['Restarts', String(p.restarts)],
  ];
  if (p.restartAt !== null) rows.push(['Restarts at', time(p.restartAt)]);
  if (p.lastFailure !== null) rows.push(['Last failure', `${p.lastFailure.stage}: ${p.lastFailure.message}`]);
  return h(
    'dl',
    { class: 'facts', 'data-testid': `pipeline-facts-${p.name}` },
    rows.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]),
  );
}

/**
 * How far a sink is behind the pipeline's furthest sink, in records: each sink commits its own position, the
 * source replays from the slowest one's.
 *
 * @param {PipelineSink} sink
 * @param {PipelineSink[]} sinks
 */
function sinkLag(sink, sinks) {
  const furthest = Math.max(...sinks.map((s) => s.totals?.records ?? 0));
  return furthest - (sink.totals?.records ?? 0);
}

/**
 * A sink's state; a sink whose writes are retried reads as an outage since the time it was first blocked.
 *
 * @param {PipelineSink} sink
 */
function sinkState(sink) {
  if (sink.state !== 'retrying' || sink.blockedSince === null) return stateBadge(sink.state);
  return h(
    'span',
    {},
    badge('Outage', 'bad'),
    ` ${sink.blockedStage ?? 'sink'} failing since ${new Date(sink.blockedSince).toLocaleTimeString()}` +
      ` (${sink.retries} ${sink.retries === 1 ? 'retry' : 'retries'})`,
  );
}

/**
 * One row per sink: its position (records committed at its own checkpoint), how far behind the furthest sink it
 * is, its state and what it dead-lettered.
 *
 * @param {Pipeline} p
 */
function sinks(p) {
  const all = p.sinks ?? [];
  if (all.length === 0) return muted('No sink status yet.');
  return table(
    all,
    [
      ['Sink', (s) => s.name],
      ['Writes to', (s) => `${s.type}: ${s.target}`],
      ['State', sinkState],
      [
        'Position',
        (s) => (s.totals === null ? 'none yet' : `${s.totals.records} records, generation ${s.generation}`),
      ],
      ['Behind', (s) => sinkLag(s, all), 'num'],
      ['Dead-lettered', (s) => s.deadLettered, 'num'],
    ],
    { testId: `pipeline-sinks-${p.name}` },
  );
}

/**
 * The charts of a pipeline's history.
 *
 * @param {Pipeline} p
 * @param {Sample[]} history
 */
function charts(p, history) {
  const points = rates(history);
  if (points.length === 0) return muted('Not enough history for a chart yet (a sample a second at most).');
  const times = points.map((point) => point.at);
  return h(
    'div',
    { class: 'grid2' },
    timeChart(times, [{ label: 'Records/s', colour: '#1f6feb', values: points.map((point) => point.rate) }], {
      testId: `pipeline-throughput-${p.name}`,
      summary: `Records read per second by ${p.name} over its history: ${points.length} points.`,
      timeHeading: 'Time',
      timeLabel: clock,
      valueLabel: 'Records/s',
    }),
    timeChart(times, [{ label: 'Lag (s)', colour: '#d35400', values: points.map((point) => point.lag) }], {
      testId: `pipeline-lag-${p.name}`,
      summary: `The lag of ${p.name} in seconds over its history: now ${lagText(p.lagSeconds)}.`,
      timeHeading: 'Time',
      timeLabel: clock,
      valueLabel: 'Seconds',
    }),
  );
}

/** @param {Pipeline} p */
function problems(p) {
  return h(
    'div',
    { class: 'grid2' },
    h(
      'div',
      {},
      h('h3', { text: 'Last errors' }),
      p.errors.length === 0
        ? muted('None.')
        : table(
            [...p.errors].reverse(),
            [
              ['Time', (e) => time(e.at)],
              ['Stage', (e) => e.stage],
              ['Error', (e) => `${e.name}${e.code === undefined ? '' : ` (${e.code})`}: ${e.message}`],
              ['Retried', (e) => (e.retryable ? 'yes' : 'no')],
            ],
            { testId: `pipeline-errors-${p.name}` },
          ),
    ),
    h(
      'div',
      {},
      h('h3', { text: 'Last gaps' }),
      p.gaps.length === 0
        ? muted('None: every record the server had was read.')
        : table(
            [...p.gaps].reverse(),
            [
              ['Detected', (g) => time(g.time)],
              ['Where', (g) => g.key],
              ['What is known', (g) => cellText(g.data)],
            ],
            { testId: `pipeline-gaps-${p.name}` },
          ),
    ),
  );
}

/**
 * One pipeline's card: its facts refresh every few seconds; the charts and problems load with the page.
 *
 * @param {Pipeline} p
 */
function pipelineCard(p) {
  const factsHolder = h('div', {});
  const card = lazySection(
    p.name,
    async () => {
      /** @type {Pipeline & { history: Sample[] }} */
      const detail = await read(`/v1/pipelines/${encodeURIComponent(p.name)}`);
      fill(factsHolder, facts(detail, recentRate(detail.history)), h('h3', { text: 'Sinks' }), sinks(detail));
      return [
        factsHolder,
        h('h3', { text: 'Throughput and lag' }),
        charts(detail, detail.history),
        problems(detail),
      ];
    },
    `pipeline-${p.name}`,
  );
  every(REFRESH_MS, async () => {
    /** @type {Pipeline & { history: Sample[] }} */
    const detail = await read(`/v1/pipelines/${encodeURIComponent(p.name)}`);
    fill(factsHolder, facts(detail, recentRate(detail.history)), h('h3', { text: 'Sinks' }), sinks(detail));
    return true;
  });
  return card;
}

/**
 * The sink types of a pipeline, joined: `file` for a single sink, `nats + syslog` for two.
 *
 * @param {Pipeline} p
 */
function sinkTypes(p) {
  const all = p.sinks ?? [];
  return all.length <= 1 ? p.sink.type : all.map((s) => s.type).join(' + ');
}

/**
 * The table of every pipeline.
 *
 * @param {Pipeline[]} pipelines
 */
function summary(pipelines) {
  return table(
    pipelines,
    [
      ['Pipeline', (p) => p.name],
      ['State', (p) => stateBadge(p.state)],
      ['Lag', (p) => lagText(p.lagSeconds)],
      ['Records', (p) => p.totals.records, 'num'],
      ['Documents', (p) => p.totals.documents, 'num'],
      ['Gaps', (p) => p.totals.gaps, 'num'],
      ['Errors', (p) => p.errors.length, 'num'],
      ['Source → mapping → sink', (p) => `${p.source.type} → ${p.mapping} → ${sinkTypes(p)}`],
    ],
    { testId: 'pipelines' },
  );
}

/**
 * The Pipelines page.
 *
 * @param {() => void} refresh shows the page again (new charts)
 */
export async function pipelinesPage(refresh) {
  show(h('h1', { text: 'Pipelines' }), muted('Loading…'));
  /** @type {{ pipelines: Pipeline[] }} */
  const { pipelines } = await read('/v1/pipelines');
  if (pipelines.length === 0) {
    show(h('h1', { text: 'Pipelines' }), muted('This service runs no intake pipelines this token may see.'));
    return;
  }
  const overview = h('div', {}, summary(pipelines));
  every(REFRESH_MS, async () => {
    /** @type {{ pipelines: Pipeline[] }} */
    const latest = await read('/v1/pipelines');
    fill(overview, summary(latest.pipelines));
    return true;
  });
  show(
    h('h1', { text: 'Pipelines' }),
    h(
      'div',
      { class: 'row' },
      muted(
        'Continuous, checkpointed intake: each pipeline reads a source, maps its records and writes them to a ' +
          'sink, committing its position only after the sink has them. The figures refresh every few seconds.',
      ),
      h('button', { type: 'button', class: 'quiet', text: 'Refresh the charts', onclick: () => refresh() }),
    ),
    overview,
    pipelines.map(pipelineCard),
  );
}
