// @ts-check
// The command runner: any command of the catalogue, its input in a form built from the command's JSON Schema
// and as raw JSON (the two kept in step: the JSON is what runs), and the whole answer.

import { callCommand } from '../lib/commands.js';
import { failure, fill, h, muted } from '../lib/dom.js';
import { errorList, resultTable, statusBadge } from '../lib/result-view.js';
import { schemaForm } from '../lib/schema-form.js';
import { can, session } from '../lib/session.js';
import { show } from '../lib/view.js';

/** @param {unknown} value */
const pretty = (value) => JSON.stringify(value, null, 2);

/** @param {string} name the command to show first; the catalogue's first when it has none by that name */
export function runPage(name) {
  const entries = session.catalogue?.entries ?? [];
  const chosen = session.catalogue?.find(name) ?? entries[0];
  if (chosen === undefined) {
    show(h('h1', { text: 'Run a command' }), failure('The service lists no commands.'));
    return;
  }
  const picker = h(
    'select',
    { id: 'command-name' },
    entries.map((c) =>
      h('option', {
        value: c.name,
        text: `${c.title} (${c.name})${c.readOnly ? '' : ' — changes KSC'}`,
        selected: c === chosen,
      }),
    ),
  );
  picker.addEventListener('change', () => {
    location.hash = `#/run/${picker.value}`;
  });

  const input = h('textarea', { id: 'command-input', spellcheck: 'false' });
  input.value = pretty(chosen.example ?? {});
  const note = h('p', { class: 'muted', 'data-testid': 'form-note' });
  const form = schemaForm(chosen.input, () => {
    const { value, problems } = form?.read() ?? { value: {}, problems: [] };
    if (problems.length > 0) {
      note.textContent = `${problems.join('; ')}: the JSON below keeps its last value.`;
      return;
    }
    note.textContent = '';
    input.value = pretty(value);
  });
  form?.write(chosen.example ?? {});
  input.addEventListener('input', () => {
    if (form === undefined) return;
    try {
      form.write(JSON.parse(input.value || '{}'));
      note.textContent = '';
    } catch {
      note.textContent = 'The JSON does not parse yet: the form shows its last valid value.';
    }
  });

  const allowed = can(chosen.scope);
  const run = h('button', { id: 'run-command', type: 'button', text: 'Run', disabled: !allowed });
  const output = h('div', { 'data-testid': 'command-output' });
  run.addEventListener('click', async () => {
    /** @type {unknown} */
    let body;
    try {
      body = JSON.parse(input.value || '{}');
    } catch (error) {
      fill(
        output,
        failure(`The input is not JSON: ${error instanceof Error ? error.message : String(error)}`),
      );
      return;
    }
    run.disabled = true;
    fill(output, muted('Running…'));
    const started = performance.now();
    try {
      const result = await callCommand(chosen.name, body);
      const ms = Math.round(performance.now() - started);
      // A refusal that names a field is shown at that field too; the list below keeps every error.
      form?.showErrors((result.errors ?? []).map((e) => e.message));
      // Each <pre> scrolls a long answer: focusable, so that the keyboard can scroll it too.
      fill(
        output,
        h('p', { 'data-testid': 'command-status' }, statusBadge(result.status), ` in ${ms} ms`),
        errorList(result.errors),
        resultTable(result.result),
        h(
          'details',
          { open: true },
          h('summary', { text: 'Raw JSON (the KSC answer)' }),
          h('pre', { 'data-testid': 'raw-json', tabindex: 0, text: pretty(result.raw) }),
        ),
        h(
          'details',
          {},
          h('summary', { text: 'Context data' }),
          h('pre', { tabindex: 0, text: pretty(result.context) }),
        ),
        h(
          'details',
          {},
          h('summary', { text: 'Key fields' }),
          h('pre', { tabindex: 0, text: pretty(result.keyFields) }),
        ),
      );
    } finally {
      run.disabled = !allowed;
    }
  });

  show(
    h('h1', { text: 'Run a command' }),
    h(
      'section',
      { class: 'card' },
      h('label', {}, 'Command', picker),
      h('p', { class: 'muted', text: chosen.description }),
      h(
        'p',
        {},
        'Needs the ',
        h('strong', { text: chosen.scope }),
        ' scope. KSC calls: ',
        chosen.operations.join(' → '),
      ),
      form === undefined
        ? muted('The form cannot show this input: edit it as JSON.')
        : [h('h2', { text: 'Input' }), form.element],
      h('label', {}, 'Input (JSON)', input),
      note,
      h(
        'p',
        {},
        run,
        allowed ? null : h('span', { class: 'muted', text: ` Your token lacks the ${chosen.scope} scope.` }),
      ),
    ),
    output,
  );
}
