/** The MCP HTTP token file: made private at the first start, read back after, refused when it is not private. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { McpOptionsError } from '../../../src/adapters/mcp/errors.ts';
import { loadOrCreateMcpToken, MCP_TOKEN_FILE } from '../../../src/adapters/mcp/token-file.ts';

describe('loadOrCreateMcpToken', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-mcp-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a random token in a 600 file of a 700 directory once, then reads it back', async () => {
    const state = path.join(dir, 'a', 'kconnect');
    const made = await loadOrCreateMcpToken(state);
    expect(made).toMatchObject({ path: path.join(state, MCP_TOKEN_FILE), created: true });
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(made.path).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateMcpToken(state)).toEqual({ ...made, created: false });
    expect((await loadOrCreateMcpToken(path.join(dir, 'b'))).token).not.toBe(made.token);
  });

  it('refuses a file other users can read, or one without a token, naming the path but not the contents', async () => {
    const state = path.join(dir, 'c');
    const { path: file } = await loadOrCreateMcpToken(state);
    chmodSync(file, 0o644);
    const open = await loadOrCreateMcpToken(state).catch((e: unknown) => e);
    expect(open).toBeInstanceOf(McpOptionsError);
    expect((open as McpOptionsError).field).toBe('token file');
    expect((open as Error).message).toContain(`${file} can be read by other users (mode 644)`);

    writeFileSync(file, 'short secret\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    const bad = await loadOrCreateMcpToken(state).catch((e: unknown) => e);
    expect((bad as Error).message).toContain(`${file} does not hold a token`);
    expect((bad as Error).message).not.toContain('short secret');
  });
});
