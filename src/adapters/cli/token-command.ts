import { Command, Option } from 'commander';
import type { ApiTokenInfo, ApiTokens } from '../http/auth.ts';
import { ERROR_CODES, KconnectError } from '../../errors.ts';

/** The service database when neither `--database` nor the environment names one. */
export const DEFAULT_SERVICE_DATABASE = '.kconnect/service.db';
/** The environment variable both `kconnect serve` and `kconnect token` read the database from. */
export const SERVICE_DATABASE_ENV = 'KCONNECT_SERVICE_DATABASE';

/** The process around the token commands, injected so tests run them in-process. */
export interface TokenCommandIo {
  /** Default: `process.stdout`. The token of `create` is the only thing written there (without `--json`). */
  readonly stdout?: (text: string) => void;
  /** Default: `process.stderr`. */
  readonly stderr?: (line: string) => void;
  /** Sets the exit code. Default: `process.exitCode`. */
  readonly exit?: (code: number) => void;
  /**
   * The `service.database` of the configuration, read when neither `--database` nor
   * `KCONNECT_SERVICE_DATABASE` is given; `main.ts` passes the configuration's loader.
   */
  readonly configuredDatabase?: () => Promise<string | undefined>;
  readonly now?: () => number;
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function table(tokens: readonly ApiTokenInfo[]): string {
  // The table keeps the columns scripts already read; `--json` adds each token's connections.
  const header = ['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'];
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.scopes.join(','),
    time(t.createdAt),
    time(t.lastUsedAt),
    time(t.revokedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * `kconnect token create|list|revoke`: API tokens of the HTTP service, in its database (the same one every
 * replica of `kconnect serve` uses). A token is printed once, at creation; the database keeps only its SHA-256.
 */
export function tokenCommand(io: TokenCommandIo = {}): Command {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const exit =
    io.exit ??
    ((code: number) => {
      process.exitCode = code;
    });

  const token = new Command('token').description('manage the API tokens of the HTTP service');
  token.addOption(
    new Option(
      '--database <file-or-url>',
      `the service database: a SQLite file or a postgres:// URL (default ${DEFAULT_SERVICE_DATABASE})`,
    ).env(SERVICE_DATABASE_ENV),
  );

  /** Opens the database the parent's options name, runs `work`, closes it; errors become a message and exit code. */
  async function withTokens(command: Command, work: (tokens: ApiTokens) => Promise<void>): Promise<void> {
    try {
      const flags = command.optsWithGlobals<{ database?: string }>();
      const where = flags.database ?? (await io.configuredDatabase?.()) ?? DEFAULT_SERVICE_DATABASE;
      // Loaded here: the database drivers are for the token commands, not for every kconnect command.
      const [{ ApiTokens }, { openServiceDatabase, serviceDatabaseLocation }] = await Promise.all([
        import('../http/auth.ts'),
        import('../http/store.ts'),
      ]);
      const database = await openServiceDatabase(serviceDatabaseLocation(where));
      try {
        await work(new ApiTokens(database.db, io.now));
      } finally {
        await database.close();
      }
    } catch (error) {
      if (!(error instanceof KconnectError)) throw error;
      stderr(`error: ${error.message}`);
      exit(ERROR_CODES[error.code].exitCode);
    }
  }

  token
    .command('create')
    .description('create a token; it is printed once, on stdout')
    .requiredOption('--name <name>', 'who or what uses it, e.g. soar-playbooks')
    .requiredOption(
      '--scope <scopes>',
      'comma-separated: read (read-only commands), respond (commands that change KSC), admin (audit log), ' +
        'ingest (deliver directory events)',
    )
    .option(
      '--connections <names>',
      'comma-separated connections the token may call (default: every connection)',
    )
    .option('--json', 'print id, name, scopes, connections and token as JSON')
    .action(
      async (flags: { name: string; scope: string; connections?: string; json?: true }, command: Command) => {
        await withTokens(command, async (tokens) => {
          const made = await tokens.create(flags.name, flags.scope, flags.connections);
          if (flags.json === true) {
            const { id, name, scopes, connections } = made.info;
            stdout(`${JSON.stringify({ id, name, scopes, connections, token: made.token })}\n`);
          } else {
            stdout(`${made.token}\n`);
          }
          stderr(
            `created ${made.info.id} "${made.info.name}" with scopes ${made.info.scopes.join(', ')}` +
              (made.info.connections === null ? '' : ` on connections ${made.info.connections.join(', ')}`) +
              ': the token is shown only this once, keep it in a secret store',
          );
        });
      },
    );

  token
    .command('list')
    .description('list the tokens (never the tokens themselves)')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print JSON')
    .action(async (flags: { all?: true; json?: true }, command: Command) => {
      await withTokens(command, async (tokens) => {
        const list = await tokens.list({ includeRevoked: flags.all === true });
        stdout(flags.json === true ? `${JSON.stringify(list)}\n` : `${table(list)}\n`);
      });
    });

  token
    .command('revoke')
    .description('revoke a token by id (tok_…) or name; every replica refuses it from the next call on')
    .argument('<id-or-name>', 'the token’s id or name')
    .action(async (idOrName: string, _flags: unknown, command: Command) => {
      await withTokens(command, async (tokens) => {
        const revoked = await tokens.revoke(idOrName);
        stderr(`revoked ${revoked.id} "${revoked.name}"`);
      });
    });

  return token;
}
