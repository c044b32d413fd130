import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDirectory, PRIVATE_FILE_MODE } from '../../store/private-files.ts';
import { McpOptionsError } from './errors.ts';

/** The file, in the CLI's state directory, that holds the HTTP bearer token `kconnect mcp --http` made itself. */
export const MCP_TOKEN_FILE = 'mcp-token';

/** What the HTTP transport accepts as a token (see `transports.ts`). */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,}$/;

export interface McpTokenFile {
  /** The token; never logged. */
  readonly token: string;
  /** Where it is kept: the only thing about it that may be shown. */
  readonly path: string;
  /** Whether this start made it (the first start), or found it from an earlier one. */
  readonly created: boolean;
}

/**
 * The bearer token of the MCP HTTP endpoint when none is configured: made at the first start (32 random bytes,
 * base64url), kept in `<directory>/mcp-token` with mode 600 in a directory made with mode 700, and read back on
 * later starts, so a client configured once keeps working across restarts. A file other users can read, or that
 * does not hold a token, is refused rather than used or replaced: either would hide a problem the user must see.
 *
 * @throws {McpOptionsError} with field `token file`, naming the path and the reason (never the file's contents)
 */
export async function loadOrCreateMcpToken(directory: string): Promise<McpTokenFile> {
  makePrivateDirectory(directory);
  const path = join(directory, MCP_TOKEN_FILE);
  const token = randomBytes(32).toString('base64url');
  try {
    await writeFile(path, `${token}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    return { token, path, created: true };
  } catch (error) {
    // An earlier start (or a concurrent one) made it: read that one.
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
  return { token: await readTokenFile(path), path, created: false };
}

async function readTokenFile(path: string): Promise<string> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) {
    throw new McpOptionsError(
      'token file',
      `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it, or delete it to make a new token`,
    );
  }
  const token = (await readFile(path, 'utf8')).trim();
  if (!TOKEN_SHAPE.test(token)) {
    throw new McpOptionsError(
      'token file',
      `${path} does not hold a token of at least 16 printable characters: delete it to make a new one`,
    );
  }
  return token;
}
