/**
 * The NDJSON file sink on a real file system: one line per document, rotation by size and age at batch
 * boundaries, gzip that never loses a file, mode 0600, and `open` undoing whatever came after the committed
 * position (the half of exactly-once that is the sink's).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSink, FileSinkPositionError, type FilePosition } from '../../src/intake/sinks/file/index.ts';
import type { SinkBatch } from '../../src/intake/types.ts';

const signal = new AbortController().signal;

function batch(from: number, count: number): SinkBatch {
  const keys = Array.from({ length: count }, (_, i) => `k${from + i}`);
  return { keys, documents: keys.map((key) => ({ key, text: 'ü'.repeat(10) })) };
}

/** Every key in the sink's files, oldest file first (rotated by sequence, then the active file). */
function keysIn(directory: string, active = 'events.ndjson'): string[] {
  const rotated = readdirSync(directory)
    .filter((name) => /^events-\d{8}T\d{6}Z-\d+\.ndjson(\.gz)?$/.test(name))
    .sort((a, b) => Number(/-(\d+)\.ndjson/.exec(a)![1]) - Number(/-(\d+)\.ndjson/.exec(b)![1]));
  const texts = rotated.map((name) => {
    const bytes = readFileSync(path.join(directory, name));
    return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  });
  try {
    texts.push(readFileSync(path.join(directory, active), 'utf8'));
  } catch {
    // No active file.
  }
  return texts
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

describe('FileSink', () => {
  let directory: string;
  let file: string;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'kconnect-file-sink-'));
    file = path.join(directory, 'events.ndjson');
    clock = Date.UTC(2025, 0, 2, 3, 4, 5);
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('writes one line per document, private, and reports file, offset and sequence', async () => {
    const sink = new FileSink({ path: file, now });
    await sink.open(undefined, signal);
    const first = (await sink.write(batch(0, 3), signal)).position as FilePosition;
    expect(first).toEqual({ file, offset: statSync(file).size, sequence: 0 });
    const second = (await sink.write(batch(3, 2), signal)).position as FilePosition;
    expect(second.offset).toBe(statSync(file).size);
    expect((await sink.write({ documents: [], keys: [] }, signal)).position).toEqual(second);
    await sink.close();
    expect(keysIn(directory)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('open(committed) cuts away a write that was never committed, and a torn line', async () => {
    const sink = new FileSink({ path: file, now });
    await sink.open(undefined, signal);
    const committed = (await sink.write(batch(0, 2), signal)).position;
    await sink.write(batch(2, 2), signal);
    await sink.close();
    writeFileSync(file, '{"key":"half', { flag: 'a' });
    const again = new FileSink({ path: file, now });
    await again.open(committed, signal);
    await again.write(batch(2, 2), signal);
    await again.close();
    expect(keysIn(directory)).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('rotates by size before a batch, never splitting one, and gzips rotated files completely', async () => {
    const sink = new FileSink({ path: file, now, rotate: { maxBytes: 200 }, gzip: true });
    await sink.open(undefined, signal);
    for (let i = 0; i < 10; i++) await sink.write(batch(i * 3, 3), signal);
    await sink.close();
    const names = readdirSync(directory).sort();
    expect(names.filter((n) => n.endsWith('.gz')).length).toBeGreaterThan(3);
    expect(names.some((n) => n.endsWith('.tmp') || /-\d+\.ndjson$/.test(n))).toBe(false);
    expect(names.filter((n) => n.endsWith('.gz'))[0]).toBe('events-20250102T030405Z-000000.ndjson.gz');
    expect(keysIn(directory)).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`));
    // A batch larger than maxBytes is written whole into one file.
    const big = new FileSink({ path: file, now, rotate: { maxBytes: 200 } });
    await big.open(await positionOf(file, big), signal);
    await big.write(batch(30, 20), signal);
    await big.close();
    expect(readFileSync(file, 'utf8').split('\n').length).toBe(21);
  });

  it('rotates by age at the next batch', async () => {
    const sink = new FileSink({ path: file, now, rotate: { maxAgeSeconds: 60 } });
    await sink.open(undefined, signal);
    await sink.write(batch(0, 1), signal);
    clock += 30_000;
    expect(((await sink.write(batch(1, 1), signal)).position as FilePosition).sequence).toBe(0);
    clock += 31_000;
    expect((await sink.write(batch(2, 1), signal)).position).toMatchObject({ sequence: 1 });
    await sink.close();
    expect(keysIn(directory)).toEqual(['k0', 'k1', 'k2']);
  });

  it('open(committed) after a rotation that followed the commit: the new file is emptied, the old one kept', async () => {
    const sink = new FileSink({ path: file, now, rotate: { maxBytes: 100 }, gzip: true });
    await sink.open(undefined, signal);
    const committed = (await sink.write(batch(0, 2), signal)).position;
    // This write rotates first: the uncommitted batch lands in sequence 1.
    expect((await sink.write(batch(2, 2), signal)).position).toMatchObject({ sequence: 1 });
    await sink.close();
    const again = new FileSink({ path: file, now, rotate: { maxBytes: 100 }, gzip: true });
    await again.open(committed, signal);
    expect(keysIn(directory)).toEqual(['k0', 'k1']);
    expect((await again.write(batch(2, 2), signal)).position).toMatchObject({ sequence: 1 });
    await again.close();
    expect(keysIn(directory)).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('finishes an interrupted gzip: a leftover .gz.tmp goes and the plain file is compressed again', async () => {
    const sink = new FileSink({ path: file, now, rotate: { maxBytes: 100 } });
    await sink.open(undefined, signal);
    await sink.write(batch(0, 2), signal);
    const committed = (await sink.write(batch(2, 2), signal)).position;
    await sink.close();
    const plain = readdirSync(directory).find((n) => /-000000\.ndjson$/.test(n))!;
    writeFileSync(path.join(directory, `${plain}.gz.tmp`), 'partial');
    const again = new FileSink({ path: file, now, rotate: { maxBytes: 100 }, gzip: true });
    await again.open(committed, signal);
    await again.close();
    expect(
      readdirSync(directory)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['events-20250102T030405Z-000000.ndjson.gz', 'events.ndjson']);
    expect(keysIn(directory)).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('with nothing committed keeps what is there: a non-empty active file is rotated aside', async () => {
    writeFileSync(file, '{"key":"old"}\n');
    const sink = new FileSink({ path: file, now });
    await sink.open(undefined, signal);
    await sink.write(batch(0, 1), signal);
    await sink.close();
    expect(keysIn(directory)).toEqual(['old', 'k0']);
  });

  it('refuses to continue when the file holds less than the committed offset', async () => {
    const sink = new FileSink({ path: file, now });
    await sink.open(undefined, signal);
    const committed = (await sink.write(batch(0, 5), signal)).position;
    await sink.close();
    writeFileSync(file, '');
    const error = await new FileSink({ path: file, now }).open(committed, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileSinkPositionError);
    expect(error).toMatchObject({ file, reason: 'the file holds only 0 bytes' });
  });
});

/** The position a sink continues at when its files are as they are: open it fresh-less at their end. */
async function positionOf(file: string, sink: FileSink): Promise<FilePosition> {
  const state = JSON.parse(readFileSync(path.join(path.dirname(file), '.events.ndjson.state'), 'utf8')) as {
    sequence: number;
  };
  void sink;
  return { file, offset: statSync(file).size, sequence: state.sequence };
}
