/**
 * `directory.nats` in kconnect.yaml: a real `kconnect serve` process consumes seed 003's events from a JetStream
 * stream of a real nats-server into its directory, and `kconnect directory-get-user` (another process, on the
 * service database) finds the seed's user by UPN,
 * and `kconnect directory-status` counts the message that was no CloudEvent. Configuration errors name the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.ts';
import { kconnect, kconnectRun } from '../../adapters/cli/kconnect-process.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';

const STREAM = 'DIRECTORY';
const SUBJECT = 'directory.events';
const SEED_TYPES = ['ds_info_reset', 'ds_user_info', 'ds_group_members', 'ds_info_reset_complete'];

describe('directory.nats: kconnect serve consumes directory events from JetStream', () => {
  let nats: NatsServer;
  let dir: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = mkdtempSync(join(tmpdir(), 'kconnect-directory-nats-'));
  });
  afterAll(async () => {
    await nats?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the stream’s events; the CLI then finds the user by UPN', async () => {
    const client = await connect({ servers: nats.url });
    try {
      await (await jetstreamManager(client)).streams.add({ name: STREAM, subjects: [SUBJECT] });
      for (const type of SEED_TYPES) {
        const text = readFileSync(new URL(`../fixtures/seed-003/${type}.json`, import.meta.url), 'utf8');
        await jetstream(client).publish(SUBJECT, text);
      }
      // A message that is no CloudEvent: refused, acked, and counted in the store under `nats`.
      await jetstream(client).publish(SUBJECT, 'not json at all');
    } finally {
      await client.close();
    }
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      `directory:\n  nats: { url: "${nats.url}", stream: ${STREAM}, subject: ${SUBJECT} }\n`,
    );
    const env = {
      ...process.env,
      KCONNECT_CONFIG: join(dir, 'kconnect.yaml'),
      KCONNECT_SERVICE_DATABASE: join(dir, 'service.db'),
    };
    const serve = kconnect(['serve', '--port', '0'], env);
    try {
      await serve.waitFor(/listening on/, 30_000);
      await expect
        .poll(
          async () => {
            const status = await kconnectRun(['directory-status', '--format', 'json'], env);
            return (JSON.parse(status.stdout) as { keyFields: { Users: number } }).keyFields.Users;
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBe(1);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    const status = await kconnectRun(['directory-status', '--format', 'json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      keyFields: { RejectedEvents: 1 },
      raw: { rejected: { total: 1, reasons: [{ via: 'nats', total: 1 }] } },
    });
    const found = await kconnectRun(
      ['directory-get-user', '--user', 'john.smith@example.com', '--format', 'json'],
      env,
    );
    expect(found.code, found.output).toBe(0);
    const result = JSON.parse(found.stdout) as { keyFields: Record<string, unknown> };
    expect(result.keyFields).toMatchObject({
      UPNs: ['john.smith@example.com'],
      DisplayNames: ['John Smith'],
    });
    // (The seed's group is only named by its ds_group_members, never described: it is no group to list yet.)
  }, 120_000);

  it('configuration errors name the field under directory.nats', () => {
    const failure = (text: string): string => {
      writeFileSync(join(dir, 'bad.yaml'), text);
      try {
        loadConfig({ env: {}, cwd: tmpdir(), file: join(dir, 'bad.yaml') });
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      throw new Error('loaded');
    };
    expect(failure('directory:\n  nats: { url: "http://x:4222", stream: S }\n')).toMatch(
      /^directory\.nats\.url: /,
    );
    expect(failure('directory:\n  nats: { url: "nats://x:4222" }\n')).toMatch(/directory\.nats\.stream/);
    expect(failure('directory:\n  nats: { url: "nats://x:4222", stream: S, consumer: "a.b" }\n')).toMatch(
      /directory\.nats\.consumer/,
    );
  });
});
