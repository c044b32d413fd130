/** The nats source alone against a real server: the checkpoint's cursor decides what comes next, not the acks. */
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsSource, natsSourceOptions } from '../../../../src/intake/sources/index.ts';
import type { PlainJson } from '../../../../src/commands/core/types.ts';
import { startNatsServer, type NatsServer } from '../../../support/nats-server.ts';

let server: NatsServer;
const signal = new AbortController().signal;

beforeAll(async () => {
  server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'SRC', subjects: ['src.>'] });
  const js = jetstream(nc);
  for (let n = 1; n <= 25; n++)
    await js.publish(n % 5 === 0 ? 'src.other' : 'src.events', JSON.stringify({ n }), { msgID: `id-${n}` });
  await js.publish('src.events', 'not json');
  await nc.close();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function source(options: Record<string, unknown> = {}) {
  return new NatsSource(
    natsSourceOptions.parse({ type: 'nats', url: server.url, stream: 'SRC', start: 'start', ...options }),
    { pipeline: 'p.1' },
  );
}

describe('NatsSource', () => {
  it('reads in order with the message ids as keys; a restart resumes at the committed cursor', async () => {
    const first = source();
    expect(first.consumerName).toBe('kconnect-p_1');
    const a = await first.next(undefined, 10, signal);
    expect(a.records.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => `id-${i + 1}`));
    expect(a.records[0]).toMatchObject({ kind: 'record', source: 'nats', data: { n: 1 } });
    expect(a).toMatchObject({
      cursor: { stream: 'SRC', sequence: 10 },
      atHead: false,
      behind: { records: 16 },
    });
    const b = await first.next(a.cursor, 10, signal);
    expect(b.records[0]!.key).toBe('id-11');
    // A crash before b was committed: the next run reads from a's cursor again and gets b's records again.
    await first.close();
    const second = source();
    const again = await second.next(a.cursor, 10, signal);
    expect(again.records.map((r) => r.key)).toEqual(b.records.map((r) => r.key));
    let cursor: PlainJson = again.cursor;
    const rest: string[] = [];
    for (;;) {
      const batch = await second.next(cursor, 10, signal);
      rest.push(...batch.records.map((r) => r.key));
      cursor = batch.cursor;
      if (batch.atHead) break;
    }
    expect(rest).toEqual([...Array.from({ length: 5 }, (_, i) => `id-${i + 21}`), 'SRC:26']);
    const empty = await second.next(cursor, 10, signal);
    expect(empty).toMatchObject({ records: [], atHead: true, cursor: { stream: 'SRC', sequence: 26 } });
    await second.close();
  });

  it('a subject filter, start: end, a message that is not JSON, and the reset positions', async () => {
    const filtered = source({ subject: 'src.other', consumer: 'other-reader' });
    const batch = await filtered.next(undefined, 100, signal);
    expect(batch.records.map((r) => r.key)).toEqual(['id-5', 'id-10', 'id-15', 'id-20', 'id-25']);
    expect(batch.atHead).toBe(true);
    await filtered.close();

    const tail = source({ start: 'end' });
    expect(await tail.next(undefined, 100, signal)).toMatchObject({
      records: [],
      atHead: true,
      cursor: { sequence: 26 },
    });
    const last = await tail.next({ stream: 'SRC', sequence: 25 }, 100, signal);
    expect(last.records[0]!.data).toEqual({ subject: 'src.events', payload: 'not json' });
    expect(await tail.cursorAt('start', signal)).toEqual({ stream: 'SRC', sequence: 0 });
    expect(await tail.cursorAt('end', signal)).toEqual({ stream: 'SRC', sequence: 26 });
    await expect(tail.next({ stream: 'OTHER', sequence: 1 }, 1, signal)).rejects.toThrow(
      /cursor is for stream OTHER/,
    );
    await tail.close();
  });
});
