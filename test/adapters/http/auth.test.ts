import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiTokens,
  bearerToken,
  hashToken,
  parseScopes,
  requiredScope,
} from '../../../src/adapters/http/auth.ts';
import {
  openServiceDatabase,
  serviceDatabaseLocation,
  type ServiceDatabase,
} from '../../../src/adapters/http/store.ts';
import { COMMANDS } from '../../../src/commands/index.ts';
import { KconnectError } from '../../../src/errors.ts';
import { testServiceDatabase } from './support.ts';

describe('scopes', () => {
  it('parses comma lists and arrays, dropping duplicates', () => {
    expect(parseScopes('read, respond,read')).toEqual(['read', 'respond']);
    expect(parseScopes(['admin'])).toEqual(['admin']);
  });

  it('names an unknown scope and refuses an empty list', () => {
    expect(() => parseScopes('read,write')).toThrow(
      'scope: unknown scope "write" (one of read, respond, admin, ingest)',
    );
    expect(() => parseScopes(' , ')).toThrow('scope: at least one of read, respond, admin, ingest is needed');
    try {
      parseScopes('root');
    } catch (error) {
      expect(error).toBeInstanceOf(KconnectError);
      expect((error as KconnectError).code).toBe('INVALID_INPUT');
    }
  });

  it('asks read of read-only commands and respond of every other one', () => {
    for (const command of COMMANDS) {
      expect(requiredScope(command)).toBe(command.readOnly ? 'read' : 'respond');
    }
    expect(COMMANDS.filter((c) => c.destructive).every((c) => requiredScope(c) === 'respond')).toBe(true);
  });

  it('reads bearer tokens from the Authorization header', () => {
    expect(bearerToken('Bearer kc_abc')).toBe('kc_abc');
    expect(bearerToken('bearer   kc_abc ')).toBe('kc_abc');
    expect(bearerToken('Basic a2M6')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('hashes tokens with SHA-256', () => {
    expect(hashToken('kc_x')).toBe(createHash('sha256').update('kc_x').digest('hex'));
  });

  it('tells a PostgreSQL URL from a SQLite file', () => {
    expect(serviceDatabaseLocation('postgres://u@h/db')).toEqual({ url: 'postgres://u@h/db' });
    expect(serviceDatabaseLocation('postgresql://u@h/db')).toEqual({ url: 'postgresql://u@h/db' });
    expect(serviceDatabaseLocation(' ./data/service.db ')).toEqual({ file: './data/service.db' });
    expect(() => serviceDatabaseLocation('  ')).toThrow(/^database: empty/);
  });
});

describe.each(['sqlite', 'postgres'] as const)('ApiTokens on %s', (kind) => {
  let database: ServiceDatabase;
  let drop: () => Promise<void>;
  let clock = 1_700_000_000_000;
  let tokens: ApiTokens;

  beforeAll(async () => {
    const location = await testServiceDatabase(kind);
    drop = location.drop;
    database = await openServiceDatabase(location.location);
    tokens = new ApiTokens(database.db, () => clock);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('creates a kc_ token shown once and stores only its hash', async () => {
    const { token, info } = await tokens.create('soar', 'read,respond');
    expect(token).toMatch(/^kc_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({
      name: 'soar',
      scopes: ['read', 'respond'],
      createdAt: clock,
      revokedAt: null,
    });
    expect(info.id).toMatch(/^tok_/);
    const rows = await database.db.selectFrom('api_tokens').selectAll().where('id', '=', info.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await tokens.authenticate(token)).toEqual({
      tokenId: info.id,
      name: 'soar',
      scopes: ['read', 'respond'],
    });
  });

  it('makes every token different', async () => {
    const a = await tokens.create('a', 'read');
    const b = await tokens.create('b', 'read');
    expect(a.token).not.toBe(b.token);
    expect(a.info.id).not.toBe(b.info.id);
  });

  it('refuses a second live token with the same name, and bad names and scopes, naming the field', async () => {
    await expect(tokens.create('soar', 'read')).rejects.toThrow(/^name: a token named "soar" exists/);
    await expect(tokens.create('', 'read')).rejects.toThrow(/^name: /);
    await expect(tokens.create('bad\nname', 'read')).rejects.toThrow(/^name: /);
    await expect(tokens.create('x'.repeat(101), 'read')).rejects.toThrow(/^name: /);
    await expect(tokens.create('ok', 'everything')).rejects.toThrow(/^scope: unknown scope "everything"/);
  });

  it('revokes by id or name; a revoked token stops working and frees its name', async () => {
    const first = await tokens.create('rotating', 'admin');
    clock += 1000;
    const revoked = await tokens.revoke('rotating');
    expect(revoked).toMatchObject({ id: first.info.id, revokedAt: clock });
    expect(await tokens.authenticate(first.token)).toBeUndefined();
    const second = await tokens.create('rotating', 'admin');
    await tokens.revoke(second.info.id);
    await expect(tokens.revoke('rotating')).rejects.toThrow(
      'token: no live token with the id or name "rotating"',
    );
    const all = await tokens.list({ includeRevoked: true });
    expect(all.filter((t) => t.name === 'rotating')).toHaveLength(2);
    expect((await tokens.list()).some((t) => t.name === 'rotating')).toBe(false);
  });

  it('lists live tokens newest first, with when each was last used (written at most once a minute)', async () => {
    const made = await tokens.create('used', 'read');
    clock += 5_000;
    await tokens.authenticate(made.token);
    let info = (await tokens.list()).find((t) => t.name === 'used')!;
    expect(info.lastUsedAt).toBe(clock);
    const firstUse = clock;
    clock += 30_000;
    await tokens.authenticate(made.token);
    info = (await tokens.list()).find((t) => t.name === 'used')!;
    expect(info.lastUsedAt).toBe(firstUse);
    clock += 31_000;
    await tokens.authenticate(made.token);
    info = (await tokens.list()).find((t) => t.name === 'used')!;
    expect(info.lastUsedAt).toBe(clock);
    const listed = await tokens.list();
    expect(listed.map((t) => t.createdAt)).toEqual([...listed.map((t) => t.createdAt)].sort((x, y) => y - x));
  });

  it('does not authenticate malformed or unknown tokens', async () => {
    expect(await tokens.authenticate(undefined)).toBeUndefined();
    expect(await tokens.authenticate('kc_short')).toBeUndefined();
    expect(await tokens.authenticate(`kc_${'B'.repeat(43)}`)).toBeUndefined();
  });
});
