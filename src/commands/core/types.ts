import type { z } from 'zod';
import type { KscClient } from '../../ksc/client/client.ts';
import type { WireJson } from '../../wire/json.ts';
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

/**
 * How far a long piece of work has got, for a person or a client waiting on it. Commands do not report it
 * themselves: the shared helpers do — reading a result set page by page (`readPagesWire`) and waiting between
 * looks (`poll`) — so every command that pages or waits reports progress without code of its own, and each
 * surface draws it its own way (a bar on a terminal, MCP `notifications/progress`) or not at all.
 */
export type ProgressUpdate =
  | {
      /** Reading a server-side result set; one update after every page. */
      readonly phase: 'reading';
      /** What the records are, plural, for people: `hosts`, `events`, `records`. */
      readonly label: string;
      /** Records read so far. */
      readonly done: number;
      /** How many will be read in all (what KSC said the set holds, capped by the limit), when known. */
      readonly total?: number;
    }
  | {
      /** Waiting for something that happens later (a task, an agent sync); one update after every look. */
      readonly phase: 'waiting';
      /** What is waited for, for people: `task`, `agent sync`, `KSC`. */
      readonly label: string;
      /** Milliseconds waited so far, on the context's clock. */
      readonly done: number;
      /** Milliseconds the wait may last at most. */
      readonly total: number;
      /** Looks so far (the first is 1). */
      readonly looks: number;
    };

/** What a command runs with. It never sees argv, HTTP requests or MCP envelopes. */
export interface CommandContext {
  readonly ksc: KscClient;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /**
   * Cancels the command: `executeCommand` joins it to every KSC call (a call in flight is abandoned), and the
   * paging and waiting helpers check it between pages and looks. The command then fails with `CANCELLED`.
   */
  readonly signal?: AbortSignal;
  /**
   * Receives progress of long work (see {@link ProgressUpdate}). Called synchronously from the command: keep it
   * cheap, and let it throttle drawing itself; what it throws is ignored.
   */
  readonly progress?: (update: ProgressUpdate) => void;
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
