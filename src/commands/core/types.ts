import type { z } from 'zod';
import type { VendorClient } from '../../vendor-client.ts';
import type { WireJson } from '../../wire/json.ts';
import type { FileSink } from './files.ts';
import type { DirectoryQueries } from '../../directory/queries.ts';
import type { ApiOf, ClientOf, Subject, Vendor } from './vendors.ts';

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

/**
 * What a command runs with. It never sees argv, HTTP requests or MCP envelopes. The clients of the chosen
 * connection(s) sit under their vendor's name (`ksc`, `kics`); a command's own context type
 * ({@link VendorContext}) makes its vendor's client required and typed.
 */
export interface CommandContext {
  readonly ksc?: VendorClient;
  readonly kics?: VendorClient;
  /**
   * The IAM directory (seed 003) the directory commands query and enrichment reads, when one is configured (the
   * service's store, or the CLI's `directory:`). Vendor-neutral: no connection is needed to reach it.
   */
  readonly directory?: DirectoryQueries;
  /**
   * The vendor of the connection the caller chose, when the context comes from a configured connection: the
   * client under any other vendor is that connection's companion (`correlateWith`), for the commands that
   * declare it ({@link CommandDefinition.companions}).
   */
  readonly connectionVendor?: Vendor;
  /** The connection each client comes from, by vendor (the HTTP service checks a token against each). */
  readonly connectionNames?: { readonly [V in Vendor]?: string };
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /**
   * Cancels the command: `executeCommand` joins it to every vendor call (a call in flight is abandoned), and the
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
  /** Where a command that produces a file puts it (see {@link SurfaceHints.producesFile}). */
  readonly files?: FileSink;
}

/** How a command uses a companion product: it cannot run without it, or uses it when there. */
export type CompanionUse = 'required' | 'optional';

/** What the context holds under a subject's name: a vendor's client, or the directory's queries. */
export type HandleOf<S extends Subject> = S extends Vendor
  ? ClientOf<S>
  : S extends 'directory'
    ? DirectoryQueries
    : never;

/** The context of a command of subject `V`: that vendor's client (or the directory) is there, with its own type. */
export type VendorContext<V extends Subject> = Omit<CommandContext, V> & {
  readonly [K in V]: HandleOf<K>;
};

/**
 * Where surfaces need to know more of a command than its schema says. Kept in the definition, so an adapter
 * never carries a table keyed by command names.
 */
export interface SurfaceHints<Input extends z.ZodType = z.ZodType> {
  /** Short CLI option names beside the generated ones: `{ hostIds: 'host' }` adds `--host` to `--host-ids`. */
  readonly cliAliases?: { readonly [Field in InputField<Input>]?: string };
  /** Input fields that name the hosts or devices a call acts on, kept in the audit log as given. */
  readonly targetFields?: readonly InputField<Input>[];
  /** The input field holding how many seconds the command may wait; surfaces bound their own waits by it. */
  readonly waitField?: InputField<Input>;
  /**
   * The command's product is a file (a traffic capture) of one of these media types, written to the context's
   * `files` sink; it fails before any request without one. The CLI then takes `--output`, the HTTP service answers
   * with the file, the MCP server saves it into its downloads folder.
   */
  readonly producesFile?: { readonly contentTypes: readonly string[] };
}

/** The names of an input schema's fields. */
export type InputField<Input extends z.ZodType> = Extract<keyof z.input<Input>, string>;

export interface CommandDefinition<
  Input extends z.ZodType = z.ZodType,
  KeyFields extends z.ZodType<Record<string, PlainJson>> = z.ZodType<Record<string, PlainJson>>,
  V extends Subject = Subject,
> {
  /**
   * snake_case; a KSC command keeps seed 001's name (`list_hosts`), another vendor's carries the vendor as prefix
   * (`kics_list_devices`) — see {@link commandNameProblem}.
   */
  readonly name: string;
  /** Seed 001's title, e.g. "List Hosts". */
  readonly title: string;
  /** For people and for AI assistants: what it does, what it returns, when to use it. */
  readonly description: string;
  /**
   * What it talks to: a vendor's product, whose client the context gives it from the chosen connection, or
   * `directory` (kconnect's own IAM directory, no connection needed), whose store the context gives it.
   */
  readonly vendor: V;
  /** What the vendor API asks of it (for KSC: rights, Open API methods), in the vendor's own terms. */
  readonly api: ApiOf<V>;
  readonly input: Input;
  /** The schema of `keyFields`; the whole output schema is {@link commandOutputSchema} of it. */
  readonly keyFields: KeyFields;
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotent: boolean;
  readonly hints?: SurfaceHints<Input>;
  /**
   * The other products it uses besides its own, through the chosen connection's companion (`correlateWith`):
   * `required` ones must be there or the command fails before it starts; `optional` ones are used when there.
   * It may then run on a connection of a companion's vendor too. `directory` as a companion: the context's
   * directory is passed to it (for enrichment); without one the command answers as it would without enrichment.
   */
  readonly companions?: { readonly [C in Subject]?: CompanionUse };
  /** An input that works against the emulator's demo world (for the reference and the console). */
  readonly example: z.input<Input>;
  run(ctx: VendorContext<V>, input: z.output<Input>): Promise<CommandResult<z.output<KeyFields>>>;
  /**
   * The records of `context`, one by one as the vendor's pages arrive, for output of any size: the same records,
   * in the same order, as `run` puts in `context` for the same input, without ever holding more than a page.
   * Only read-only list commands define it; run it through `executeCommandStream` (validation, signal, errors).
   * Leaving the loop early releases the vendor's result set.
   */
  stream?(ctx: VendorContext<V>, input: z.output<Input>): AsyncIterable<PlainJson>;
}

/** A command that can stream its context records (see {@link CommandDefinition.stream}). */
export type StreamingCommand<V extends Subject = Subject> = CommandDefinition<
  z.ZodType,
  z.ZodType<Record<string, PlainJson>>,
  V
> &
  Required<Pick<CommandDefinition<z.ZodType, z.ZodType<Record<string, PlainJson>>, V>, 'stream'>>;

/**
 * Remembers the result of a destructive command by its idempotency key for a while, so a playbook that
 * retries (a timeout, a restarted runner) gets the first result instead of acting twice.
 */
export interface IdempotencyStore {
  /** The remembered result for this command and key, if still within its window. */
  get(command: string, key: string): Promise<CommandResult | undefined>;
  remember(command: string, key: string, result: CommandResult): Promise<void>;
  /** Runs `work` once per key at a time: a concurrent second call waits for the first and gets its result. */
  once(command: string, key: string, work: () => Promise<CommandResult>): Promise<CommandResult>;
}
