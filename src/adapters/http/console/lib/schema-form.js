// @ts-check
// A form for a command's input, built from the JSON Schema of the catalogue: one field per property, with its
// type, limits, default and description. A value the form cannot draw as a field is edited as JSON in its box.

import { h } from './dom.js';

/** @import { JsonSchema } from './catalogue.js' */

/**
 * How a property is edited:
 * `text` a string; `integer`, `number`; `boolean` a checkbox; `choice` one of an enum; `list` an array of
 * strings or numbers, one a line; `scalar` a string or a number in one box (a group by id or by name); `json`
 * anything else, as JSON.
 *
 * @typedef {'text' | 'integer' | 'number' | 'boolean' | 'choice' | 'list' | 'scalar' | 'json'} FieldKind
 */

/**
 * @typedef {object} Field
 * @property {string} name
 * @property {FieldKind} kind
 * @property {boolean} required
 * @property {JsonSchema} schema
 */

/**
 * @typedef {object} SchemaForm
 * @property {HTMLElement} element
 * @property {Field[]} fields
 * @property {() => { value: Record<string, unknown>, problems: string[] }} read the input the fields make,
 *   with the members of the last written value the form has no field for
 * @property {(value: unknown) => void} write shows a value in the fields (a non-object clears them)
 * @property {(messages: readonly string[]) => string[]} showErrors shows each message that names a field of the
 *   form next to that field (and clears the older ones); answers the messages that name none
 */

/** How the service names the field of a refused input (seed 001's wording); a nested one as `hostNames.0`. */
const FIELD_ERROR = /^The value for parameter \(([^)]+)\) is invalid: ?(.*)$/s;

/**
 * The field a refusal names and what it says of it, if it names one.
 *
 * @param {string} message
 * @returns {{ field: string, reason: string } | undefined}
 */
export function fieldErrorOf(message) {
  const match = FIELD_ERROR.exec(message);
  if (match === null) return undefined;
  const [, path = '', reason = ''] = match;
  return { field: path.split('.')[0] ?? path, reason: reason.replace(/\.$/, '') || message };
}

const SCALARS = ['string', 'integer', 'number'];
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * The JSON types a schema allows, `null` left out.
 *
 * @param {JsonSchema} schema
 * @returns {string[]}
 */
function typesOf(schema) {
  if (Array.isArray(schema.type)) return schema.type.filter((t) => t !== 'null');
  if (typeof schema.type === 'string') return schema.type === 'null' ? [] : [schema.type];
  const options = schema.anyOf ?? schema.oneOf;
  return options === undefined ? [] : [...new Set(options.flatMap(typesOf))];
}

/** @param {unknown} value */
const isScalar = (value) => typeof value === 'string' || typeof value === 'number';

/**
 * @param {JsonSchema} schema
 * @returns {FieldKind}
 */
export function kindOf(schema) {
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isScalar)) return 'choice';
  const types = typesOf(schema);
  if (types.length > 1) return types.every((t) => SCALARS.includes(t)) ? 'scalar' : 'json';
  switch (types[0]) {
    case 'string':
      return 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = schema.items === undefined ? [] : typesOf(schema.items);
      return items.length > 0 && items.every((t) => SCALARS.includes(t)) ? 'list' : 'json';
    }
    default:
      return 'json';
  }
}

/**
 * The fields of an object schema, in its order; undefined when the input is not an object with properties.
 *
 * @param {JsonSchema} schema
 * @returns {Field[] | undefined}
 */
export function fieldsOf(schema) {
  if (schema.type !== 'object' || schema.properties === undefined) return undefined;
  const required = schema.required ?? [];
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    kind: kindOf(property),
    required: required.includes(name),
    schema: property,
  }));
}

/**
 * A short description of what a field takes: `integer, 1–100000`, `list of strings, one a line`.
 *
 * @param {Field} field
 */
function typeLabel(field) {
  const { schema } = field;
  const range =
    schema.minimum !== undefined && schema.maximum !== undefined
      ? `, ${schema.minimum}–${schema.maximum}`
      : schema.minimum !== undefined
        ? `, at least ${schema.minimum}`
        : '';
  switch (field.kind) {
    case 'integer':
    case 'number':
      return `${field.kind}${range}`;
    case 'list': {
      const items = schema.items === undefined ? [] : typesOf(schema.items);
      return `list of ${items.map((t) => `${t}s`).join(' or ')}, one a line`;
    }
    case 'scalar':
      return typesOf(schema).join(' or ');
    case 'choice':
      return 'one of';
    case 'json':
      return 'JSON';
    default:
      return field.kind === 'text' ? 'string' : field.kind;
  }
}

/**
 * The text of a default as a placeholder; nothing for an empty string.
 *
 * @param {unknown} value
 */
function placeholderOf(value) {
  if (value === undefined || value === '') return undefined;
  return `default: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/**
 * A typed value from a box's text: a number where the schema allows one and the text is one, else the text.
 *
 * @param {string} text
 * @param {string[]} types
 */
function scalarFrom(text, types) {
  const numeric = types.includes('integer') || types.includes('number');
  return numeric && NUMERIC.test(text) && !types.includes('string') ? Number(text) : text;
}

/**
 * Like {@link scalarFrom} for a box that takes either (a group by id or by name): digits are an id.
 *
 * @param {string} text
 * @param {string[]} types
 */
function idOrText(text, types) {
  return (types.includes('integer') || types.includes('number')) && NUMERIC.test(text) ? Number(text) : text;
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function boxText(value) {
  if (value === undefined) return '';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * One field: its control, how to read a value from it and how to show one.
 *
 * @param {Field} field
 * @returns {{ element: HTMLElement, read: () => { value?: unknown, problem?: string }, write: (value: unknown) => void }}
 */
function fieldControl(field) {
  const { schema, name } = field;
  const id = `field-${name}`;
  const placeholder = placeholderOf(schema.default);
  /** @param {HTMLElement} control */
  const labelled = (control) => {
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    // Screen readers say the field is required and read its error with it; the error box is empty until then.
    if (field.required) control.setAttribute('aria-required', 'true');
    control.setAttribute('aria-describedby', schema.description ? `${errorId} ${hintId}` : errorId);
    return h(
      'label',
      { class: `field ${field.kind}`, 'data-field': name },
      h(
        'span',
        { class: 'field-name' },
        h('strong', { text: name }),
        field.required ? h('span', { class: 'required', text: ' required' }) : null,
        h('span', { class: 'muted', text: ` · ${typeLabel(field)}` }),
      ),
      control,
      h('small', { class: 'field-error', id: errorId, 'data-testid': `error-${name}` }),
      schema.description ? h('small', { class: 'hint', id: hintId, text: schema.description }) : null,
    );
  };

  switch (field.kind) {
    case 'boolean': {
      const byDefault = schema.default === true;
      const box = h('input', { id, type: 'checkbox', checked: byDefault });
      return {
        element: labelled(box),
        // Only a change from the default is sent: the command applies its default itself.
        read: () => (box.checked === byDefault ? {} : { value: box.checked }),
        write: (value) => {
          box.checked = value === undefined ? byDefault : value === true;
        },
      };
    }
    case 'choice': {
      const choices = schema.enum ?? [];
      const select = h(
        'select',
        { id },
        h('option', {
          value: '',
          text: field.required ? '— choose —' : (placeholderOf(schema.default) ?? '—'),
        }),
        choices.map((choice, i) => h('option', { value: String(i), text: String(choice) })),
      );
      return {
        element: labelled(select),
        read: () => (select.value === '' ? {} : { value: choices[Number(select.value)] }),
        write: (value) => {
          const index = choices.indexOf(value);
          select.value = index < 0 ? '' : String(index);
        },
      };
    }
    case 'integer':
    case 'number': {
      const box = h('input', {
        id,
        type: 'number',
        min: schema.minimum,
        max: schema.maximum,
        step: field.kind === 'integer' ? 1 : 'any',
        placeholder,
      });
      return {
        element: labelled(box),
        read: () => (box.value === '' ? {} : { value: Number(box.value) }),
        write: (value) => {
          box.value = typeof value === 'number' ? String(value) : '';
        },
      };
    }
    case 'list': {
      const itemTypes = schema.items === undefined ? [] : typesOf(schema.items);
      const box = h('textarea', {
        id,
        rows: 3,
        spellcheck: 'false',
        placeholder: placeholder ?? 'one a line',
      });
      return {
        element: labelled(box),
        read: () => {
          const items = box.value
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => line !== '');
          return items.length === 0 ? {} : { value: items.map((item) => scalarFrom(item, itemTypes)) };
        },
        write: (value) => {
          box.value = Array.isArray(value) ? value.map(boxText).join('\n') : boxText(value);
        },
      };
    }
    case 'json': {
      const box = h('textarea', { id, rows: 3, spellcheck: 'false', placeholder: placeholder ?? 'JSON' });
      const takesText = typesOf(schema).includes('string');
      return {
        element: labelled(box),
        read: () => {
          const text = box.value.trim();
          if (text === '') return {};
          try {
            return { value: JSON.parse(text) };
          } catch {
            // Where a string is allowed, text that is not JSON is that string.
            return takesText ? { value: text } : { problem: `${name}: not JSON` };
          }
        },
        write: (value) => {
          box.value = value === undefined ? '' : JSON.stringify(value);
        },
      };
    }
    default: {
      const types = typesOf(schema);
      const box = h('input', { id, type: 'text', spellcheck: 'false', placeholder });
      return {
        element: labelled(box),
        read: () => (box.value === '' ? {} : { value: idOrText(box.value, types) }),
        write: (value) => {
          box.value = boxText(value);
        },
      };
    }
  }
}

/**
 * The form of an input schema; undefined when the schema is not an object with properties (the raw JSON is the
 * only way to edit such an input). `onChange` gets every edit a person makes; {@link SchemaForm.write} does not
 * call it.
 *
 * @param {JsonSchema} schema
 * @param {() => void} onChange
 * @returns {SchemaForm | undefined}
 */
export function schemaForm(schema, onChange) {
  const fields = fieldsOf(schema);
  if (fields === undefined) return undefined;
  const controls = fields.map((field) => ({ field, ...fieldControl(field) }));
  /** Members of the last written value without a field: kept, so that editing a field does not drop them. */
  /** @type {Record<string, unknown>} */
  let extra = {};
  const element = h(
    'div',
    { class: 'schema-form', 'data-testid': 'command-form', oninput: onChange, onchange: onChange },
    controls.length === 0
      ? h('p', { class: 'muted', text: 'This command takes no input.' })
      : controls.map((c) => c.element),
  );
  return {
    element,
    fields,
    read() {
      /** @type {Record<string, unknown>} */
      const value = {};
      const problems = [];
      for (const control of controls) {
        const read = control.read();
        if (read.problem !== undefined) problems.push(read.problem);
        else if ('value' in read) value[control.field.name] = read.value;
      }
      return { value: { ...value, ...extra }, problems };
    },
    write(value) {
      const record =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? /** @type {Record<string, unknown>} */ (value)
          : {};
      for (const control of controls) control.write(record[control.field.name]);
      extra = Object.fromEntries(
        Object.entries(record).filter(([key]) => !fields.some((field) => field.name === key)),
      );
    },
    showErrors(messages) {
      /** @type {Map<string, string[]>} */
      const byField = new Map();
      const unplaced = [];
      for (const message of messages) {
        const named = fieldErrorOf(message);
        if (named === undefined || !fields.some((field) => field.name === named.field))
          unplaced.push(message);
        else byField.set(named.field, [...(byField.get(named.field) ?? []), named.reason]);
      }
      for (const { field, element: label } of controls) {
        const reasons = byField.get(field.name) ?? [];
        const box = label.querySelector('.field-error');
        if (box !== null) box.textContent = reasons.join('; ');
        label
          .querySelector('input, select, textarea')
          ?.setAttribute('aria-invalid', String(reasons.length > 0));
        label.classList.toggle('invalid', reasons.length > 0);
      }
      return unplaced;
    },
  };
}
