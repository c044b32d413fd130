/**
 * The KICS client's token lifecycle against the emulator: one extension per expiry however many calls need it,
 * renewal after the server expired the token, and a blocked user — one grant attempt, then a clear fatal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_USER } from '../../../src/emulator/kics/auth/kics-auth.ts';
import { AuthenticationError, type KicsClient, type KicsLogRecord } from '../../../src/kics/client/index.ts';
import { startClientHarness, TOKEN_LIFETIME_SECONDS, type ClientHarness } from './harness.ts';
import { auditCount, testClock } from './support.ts';

describe('KICS client: tokens', () => {
  let harness: ClientHarness;
  let reader: KicsClient;
  beforeAll(async () => {
    harness = await startClientHarness();
    reader = await harness.client();
    await reader.about();
  });
  afterAll(async () => {
    await reader.close();
    await harness.close();
  });

  it('extends the token at about 80 % of its life, once for twenty concurrent calls', async () => {
    const clock = testClock();
    const client = await harness.client(undefined, {}, { now: clock.now });
    try {
      const receivedBefore = await auditCount(reader, 'Receive token', 'Success');
      const extendedBefore = await auditCount(reader, 'Extend token', 'Success');
      await client.about();
      expect(await auditCount(reader, 'Receive token', 'Success')).toBe(receivedBefore + 1);

      // Before 80 %: no extension.
      clock.advance(TOKEN_LIFETIME_SECONDS * 0.75);
      await Promise.all(Array.from({ length: 5 }, () => client.queryDevices({ limit: 1 })));
      expect(await auditCount(reader, 'Extend token', 'Success')).toBe(extendedBefore);

      clock.advance(TOKEN_LIFETIME_SECONDS * 0.1);
      await harness.control('POST', '/clock/advance', { seconds: TOKEN_LIFETIME_SECONDS * 0.85 });
      const pages = await Promise.all(Array.from({ length: 20 }, () => client.queryDevices({ limit: 2 })));
      expect(pages.every((page) => page.values.length === 2)).toBe(true);
      expect(await auditCount(reader, 'Extend token', 'Success')).toBe(extendedBefore + 1);

      clock.advance(TOKEN_LIFETIME_SECONDS * 0.85);
      await Promise.all(Array.from({ length: 20 }, () => client.about()));
      expect(await auditCount(reader, 'Extend token', 'Success')).toBe(extendedBefore + 2);
      expect(await auditCount(reader, 'Receive token', 'Success')).toBe(receivedBefore + 1);
    } finally {
      await client.close();
    }
  });

  it('renews a token the server expired, once for concurrent calls, and repeats the calls', async () => {
    const records: KicsLogRecord[] = [];
    const client = await harness.client(records);
    try {
      await client.about();
      const extendedBefore = await auditCount(reader, 'Extend token', 'Success');
      await harness.control('POST', '/tokens/expire');
      const answers = await Promise.all(Array.from({ length: 10 }, () => client.queryEvents({ limit: 1 })));
      expect(answers.every((page) => page.values.length === 1)).toBe(true);
      expect(records.some((record) => /refused the token; renewing/.test(record.message))).toBe(true);
      // The reader's token was expired too; it renews on its next call, which is the count itself.
      const extendedAfter = await auditCount(reader, 'Extend token', 'Success');
      expect(extendedAfter).toBe(extendedBefore + 2);
    } finally {
      await client.close();
    }
  });

  it('makes exactly one grant attempt for a blocked user, then reports a fatal error without asking again', async () => {
    const refusedBefore = await auditCount(reader, 'Receive token', 'Failure');
    await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: true });
    const client = await harness.client();
    try {
      const first = await client.about().catch((error: unknown) => error);
      expect(first).toBeInstanceOf(AuthenticationError);
      expect((first as AuthenticationError).message).toMatch(/blocked or deleted/);
      expect((first as AuthenticationError).operation).toBe('token');
      expect((first as AuthenticationError).code).toBe('UNAUTHENTICATED');
      const again = await client.queryDevices({ limit: 1 }).catch((error: unknown) => error);
      expect(again).toBe(first);
      await expect(client.checkHealth()).rejects.toBe(first);
      // The reader's token was issued before the block: it still reads (KICS checks blocking on grants).
      expect(await auditCount(reader, 'Receive token', 'Failure')).toBe(refusedBefore + 1);
    } finally {
      await client.close();
      await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: false });
    }
  });

  it('after a refused extension, asks once with the certificate, then stops', async () => {
    const clock = testClock();
    const client = await harness.client(undefined, {}, { now: clock.now });
    try {
      await client.about();
      const extendRefusedBefore = await auditCount(reader, 'Extend token', 'Failure');
      const receiveRefusedBefore = await auditCount(reader, 'Receive token', 'Failure');
      await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: true });
      clock.advance(TOKEN_LIFETIME_SECONDS * 0.9);
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.about()));
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(AuthenticationError);
      await expect(client.about()).rejects.toBeInstanceOf(AuthenticationError);
      expect(await auditCount(reader, 'Extend token', 'Failure')).toBe(extendRefusedBefore + 1);
      expect(await auditCount(reader, 'Receive token', 'Failure')).toBe(receiveRefusedBefore + 1);
    } finally {
      await client.close();
      await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: false });
    }
  });
  // Last: the user stays deleted.
  it('after a deleted user: one extension attempt, one certificate grant, then a fatal error', async () => {
    const client = await harness.client();
    try {
      await client.about();
      const audit = harness.kics.store.auditEntries;
      const before = await audit.maxId();
      await harness.control('DELETE', `/users/${CONNECTOR_USER}`);
      const error = await client.queryDevices({ limit: 1 }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(AuthenticationError);
      await expect(client.about()).rejects.toBe(error);
      const after = await audit.maxId();
      const entries = [];
      for (let id = before + 1; id <= after; id++) entries.push(await audit.get(id));
      expect(entries.map((entry) => [entry?.action, entry?.result])).toEqual([
        ['Extend token', 'Failure'],
        ['Receive token', 'Failure'],
      ]);
    } finally {
      await client.close();
    }
  });
});
