// @ts-check
// Charts. Categories are bars made of elements (a label, a bar whose width is the share, the number as text);
// a time series is drawn by uPlot, served by the service from its package (no CDN, the CSP allows only 'self').
// Every chart has its numbers as a table too, in a <details>, for screen readers and for copying.

import { h, table } from './dom.js';

/** uPlot's module, served from the installed package by console-routes.ts. */
const UPLOT_URL = '/console/vendor/uplot.js';

/**
 * One bar: its label (text or a link), its number, and a class that colours it (OK, Warning, Critical …).
 *
 * @typedef {object} Bar
 * @property {string} label
 * @property {number} value
 * @property {Node | string} [labelNode] shown instead of the label's text (a link)
 * @property {string} [kind]
 */

/**
 * The numbers of a chart as a table, folded away.
 *
 * @param {string[]} headings
 * @param {unknown[][]} rows
 */
function numbersTable(headings, rows) {
  return h(
    'details',
    { class: 'chart-numbers' },
    h('summary', { text: 'The numbers as a table' }),
    table(
      rows,
      headings.map((heading, i) => [heading, (row) => row[i], i === 0 ? '' : 'num']),
    ),
  );
}

/**
 * Horizontal bars for categories, longest bar for the largest number.
 *
 * @param {Bar[]} bars
 * @param {{ testId: string, valueHeading: string, labelHeading: string }} options
 */
export function barChart(bars, options) {
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  const rows = bars.map((bar) => {
    const fill = h('span', { class: `bar ${bar.kind ?? ''}` });
    // A style set from script is CSSOM, which the CSP's style-src does not govern; an inline style attribute
    // in markup would be blocked.
    fill.style.width = `${(100 * bar.value) / largest}%`;
    return h(
      'li',
      {},
      h('span', { class: 'bar-label' }, bar.labelNode ?? bar.label),
      h('span', { class: 'bar-track' }, fill),
      h('span', { class: 'bar-value', text: bar.value }),
    );
  });
  return h(
    'figure',
    { class: 'chart', 'data-testid': options.testId },
    h('ul', { class: 'bars' }, rows),
    numbersTable(
      [options.labelHeading, options.valueHeading],
      bars.map((bar) => [bar.label, bar.value]),
    ),
  );
}

/**
 * @typedef {object} TimeSeries
 * @property {string} label
 * @property {string} colour
 * @property {number[]} values one per time
 */

/**
 * A time series chart: one line per series over the same times (Unix seconds), drawn by uPlot once the chart
 * is on the page (uPlot measures its container).
 *
 * @param {number[]} times
 * @param {TimeSeries[]} series
 * @param {{ testId: string, summary: string, timeHeading: string, timeLabel: (seconds: number) => string, valueLabel?: string }} options the value axis is labelled `valueLabel` (default Events)
 */
export function timeChart(times, series, options) {
  const plot = h('div', { class: 'time-chart', role: 'img', 'aria-label': options.summary });
  const figure = h(
    'figure',
    { class: 'chart', 'data-testid': options.testId },
    plot,
    numbersTable(
      [options.timeHeading, ...series.map((s) => s.label)],
      times.map((time, i) => [options.timeLabel(time), ...series.map((s) => s.values[i] ?? 0)]),
    ),
  );
  const draw = async () => {
    /** @type {{ default: typeof import('uplot') }} */
    const { default: UPlot } = await import(UPLOT_URL);
    const width = Math.max(320, plot.clientWidth);
    /** @type {import('uplot').Options} */
    const chartOptions = {
      width,
      height: 240,
      scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        { values: (_u, ticks) => ticks.map(options.timeLabel) },
        {
          label: options.valueLabel ?? 'Events',
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')),
        },
      ],
      series: [
        { label: options.timeHeading, value: (_u, t) => (t == null ? '' : options.timeLabel(t)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: 2,
          points: { show: true, size: 7, fill: s.colour },
        })),
      ],
    };
    new UPlot(chartOptions, [times, ...series.map((s) => s.values)], plot);
    plot.dataset['drawn'] = 'true';
  };
  // uPlot needs its container on the page to know its width: wait for the section to show the figure (a figure
  // the page left before showing it is given up after a few seconds of frames).
  let frames = 0;
  const whenShown = () => {
    if (figure.isConnected) draw().catch((error) => console.error(error));
    else if (++frames < 300) requestAnimationFrame(whenShown);
  };
  requestAnimationFrame(whenShown);
  return figure;
}
