import { z } from 'zod';
import type { CommandDefinition } from './core/types.ts';
import { SUBJECTS, VENDORS } from './core/vendors.ts';
import { isKicsCommand } from './kics/shared/vendor.ts';
import { isKscCommand, type KscRight } from './ksc/shared/vendor.ts';

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.anyOf !== undefined) return schema.anyOf.map(typeOf).join(' \\| ');
  const type = typeof schema.type === 'string' ? schema.type : (schema.type ?? ['any']).join(' \\| ');
  if (type === 'array' && schema.items !== undefined) return `${typeOf(schema.items)}[]`;
  if (type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined) {
    return schema.maximum > 1e12 ? 'integer' : `integer ${schema.minimum}–${schema.maximum}`;
  }
  return type;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fieldsTable(schema: JsonSchema, withDefaults: boolean): string[] {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return ['(none)', ''];
  const required = new Set(schema.required ?? []);
  const head = withDefaults ? '| field | type | required | default | description |' : '| field | type |';
  const rule = withDefaults ? '|---|---|---|---|---|' : '|---|---|';
  const rows = properties.map(([name, field]) =>
    withDefaults
      ? `| \`${name}\` | ${cell(typeOf(field))} | ${required.has(name) && field.default === undefined ? 'yes' : 'no'} | ${
          field.default === undefined ? '' : `\`${cell(JSON.stringify(field.default))}\``
        } | ${cell(field.description ?? '')} |`
      : `| \`${name}\` | ${cell(typeOf(field))} |`,
  );
  return [head, rule, ...rows, ''];
}

function right(r: KscRight): string {
  return `${r.product} › ${r.feature} › ${r.operations.join(', ')}`;
}

/** What the vendor's API asks of a command, in the vendor's terms. */
function vendorLines(command: CommandDefinition): string[] {
  const calls = command.api.operations.map((m) => `\`${m}\``).join(' → ');
  if (isKicsCommand(command)) {
    return [
      `- **Roles** (of the connector's user account): ${command.api.roles.join(', ')}`,
      `- **${VENDORS.kics.operationsLabel}** (seed 002's titles): ${calls}`,
    ];
  }
  if (!isKscCommand(command)) return [`- **${SUBJECTS[command.vendor].operationsLabel}**: ${calls}`];
  const { rights } = command.api;
  return [
    `- **Rights**: ${rights.length === 0 ? 'none beyond a login' : rights.map(right).join('; ')}`,
    `- **KSC Open API calls**: ${calls}`,
  ];
}

function flags(command: CommandDefinition): string {
  const out = [command.readOnly ? 'read-only' : 'changes state'];
  if (command.destructive) out.push('destructive (accepts `idempotencyKey`)');
  if (command.idempotent) out.push('idempotent');
  return out.join(', ');
}

/** One command's section of the reference. */
function section(command: CommandDefinition): string[] {
  const inputSchema = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const keySchema = z.toJSONSchema(command.keyFields, { unrepresentable: 'any' }) as JsonSchema;
  return [
    `## ${command.title} — \`${command.name}\``,
    '',
    command.description,
    '',
    `- **Kind**: ${flags(command)}`,
    ...vendorLines(command),
    '',
    '**Input**',
    '',
    ...fieldsTable(inputSchema, true),
    '**Key fields** (`keyFields`; `raw`, `context`, `result` and `errors` follow the output contract above)',
    '',
    ...fieldsTable(keySchema, false),
    '**Example**',
    '',
    '```json',
    JSON.stringify(command.example, null, 2),
    '```',
    '',
  ];
}

/** `docs/commands.md`, generated from the registry so it cannot drift from the code. */
export function commandReference(commands: readonly CommandDefinition[]): string {
  const toc = commands.map(
    (c) => `| [${c.title}](#${anchor(c)}) | \`${c.name}\` | ${c.readOnly ? 'read' : 'change'} |`,
  );
  return [
    '# Command reference',
    '',
    '<!-- Generated from src/commands/registry.ts by `npm run docs:commands`; do not edit by hand. -->',
    '',
    'Every command returns the output contract of seed 001 (DESIGN.md): `status` (`Successful`, `Partially',
    'Successful`, `Failed`), `raw` (the vendor answer in its wire shape, with the enrichments D3 adds), `context`',
    "(the records as plain JSON), `keyFields` (typed values under seed 001's names), `result` (a table) and",
    '`errors` (`failureIndicator`, `statusCode` — 400 input, 401 login, 403 rights, 404 not found, 409 ambiguous,',
    '5xx server unreachable — `message`, and the failing `item` of array inputs).',
    '',
    "KSC commands keep seed 001's names and list the KSC rights they need; KICS for Networks commands carry",
    "the prefix `kics_` and list the roles of the connector's user account that may run them (Operator reads,",
    'Administrator also changes) and the operations of the KICS API (seed 002) they call.',
    '',
    '| command | name | |',
    '|---|---|---|',
    ...toc,
    '',
    ...commands.flatMap(section),
  ].join('\n');
}

function anchor(command: CommandDefinition): string {
  return `${command.title} — ${command.name}`
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}
