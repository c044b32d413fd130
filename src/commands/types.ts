import type { z } from 'zod';
import type { KscClient } from '../ksc/client/client.ts';
import type { WireJson } from '../ksc/json.ts';
import type { IdempotencyStore } from './idempotency.ts';

/** Seed 001's Return Data. */
export type CommandStatus = 'Successful' | 'Partially Successful' | 'Failed';

/** A value of the plain JSON views (`context`, `keyFields`, table cells): no bigint, no Date, no wrappers. */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

/** Seed 001's Result: a small table, rendered as HTML, Markdown or terminal text by the surfaces. */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly PlainJson[])[];
}

/** One failure, as seed 001's Error tab shows it. */
export interface CommandErrorEntry {
  /** `"<Title> failed."` */
  readonly failureIndicator: string;
  /** HTTP-style: 400 bad input, 401 authentication, 403 access denied, 404 not found, 409, 5xx upstream. */
  readonly statusCode: number;
  readonly message: string;
  /** kconnect's error vocabulary (`ACCESS_DENIED`, `NOT_FOUND`, …). */
  readonly code: string;
  /** The item of an array input that failed. */
  readonly item?: string;
}

/** What every command returns (DESIGN: the output contract of seed 001). */
export interface CommandResult<KeyFields extends Record<string, PlainJson> = Record<string, PlainJson>> {
  readonly status: CommandStatus;
  /** The vendor's answer in its wire shape, with D3's enrichments where seed 001 shows them. */
  readonly raw: WireJson;
  /** Seed 001's Context Data: the records as plain JSON. */
  readonly context: PlainJson;
  /** Seed 001's Key Fields, by the same names, as typed JSON values. */
  readonly keyFields: KeyFields;
  readonly result: ResultTable;
  readonly errors: readonly CommandErrorEntry[];
}

/** A right a command needs, in seed 001's words (product › feature › operations). */
export interface KscRight {
  readonly product: 'Administration Server' | 'Kaspersky Endpoint Security' | 'Kaspersky Endpoint Agent';
  readonly feature:
    | 'Basic functionality'
    | 'Access objects regardless of their ACLs'
    | 'Anti-virus functionality'
    | 'Host Intrusion Prevention';
  readonly operations: readonly ('Read' | 'Write' | 'Execute' | 'Perform operations on device selections')[];
}

/** What a command runs with. It never sees argv, HTTP requests or MCP envelopes. */
export interface CommandContext {
  readonly ksc: KscClient;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** Remembers the results of destructive commands by idempotency key. */
  readonly idempotency?: IdempotencyStore;
  /** Waits between polls (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CommandDefinition<
  Input extends z.ZodType = z.ZodType,
  KeyFields extends z.ZodType<Record<string, PlainJson>> = z.ZodType<Record<string, PlainJson>>,
> {
  /** snake_case, e.g. `list_hosts`. */
  readonly name: string;
  /** Seed 001's title, e.g. "List Hosts". */
  readonly title: string;
  /** For people and for AI assistants: what it does, what it returns, when to use it. */
  readonly description: string;
  readonly input: Input;
  /** The schema of `keyFields`; the whole output schema is {@link commandOutputSchema} of it. */
  readonly keyFields: KeyFields;
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotent: boolean;
  readonly rights: readonly KscRight[];
  /** The KSC Open API methods it calls, in order (for the reference and for rights checks). */
  readonly kscMethods: readonly string[];
  /** An input that works against the emulator's demo world (for the reference and the console). */
  readonly example: z.input<Input>;
  run(ctx: CommandContext, input: z.output<Input>): Promise<CommandResult<z.output<KeyFields>>>;
}
