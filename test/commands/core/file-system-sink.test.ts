import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSystemSink } from '../../../src/commands/core/file-system-sink.ts';
import { FileExistsError, safeFileName } from '../../../src/commands/core/files.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(part: string, error: Error): AsyncGenerator<Uint8Array> {
  yield Buffer.from(part);
  throw error;
}

describe('fileSystemSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-sink-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the file whole and says where, how large and its SHA-256', async () => {
    const saved = await fileSystemSink({ directory: dir }).save({
      name: 'a.pcap',
      contentType: 'application/vnd.tcpdump.pcap',
      body: chunks('abc', 'def'),
    });
    expect(saved).toEqual({
      location: join(dir, 'a.pcap'),
      name: 'a.pcap',
      contentType: 'application/vnd.tcpdump.pcap',
      bytes: 6,
      // sha256("abcdef")
      sha256: 'bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721',
    });
    expect(readFileSync(saved.location, 'utf8')).toBe('abcdef');
  });

  it('leaves nothing behind when the body fails half-way or the call is aborted', async () => {
    const sink = fileSystemSink({ directory: dir });
    const broken = new Error('connection reset');
    await expect(
      sink.save({ name: 'b.pcap', contentType: 'x', body: failingAfter('abc', broken) }),
    ).rejects.toBe(broken);
    const abort = new AbortController();
    async function* abortedMidway(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('abc');
      abort.abort();
      yield Buffer.from('def');
    }
    await expect(
      sink.save({ name: 'b.pcap', contentType: 'x', body: abortedMidway() }, abort.signal),
    ).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses, replaces or keeps both as told when the name is taken', async () => {
    writeFileSync(join(dir, 'c.zip'), 'old');
    const file = () => ({ name: 'c.zip', contentType: 'application/zip', body: chunks('new') });
    await expect(fileSystemSink({ directory: dir }).save(file())).rejects.toBeInstanceOf(FileExistsError);
    expect(readFileSync(join(dir, 'c.zip'), 'utf8')).toBe('old');
    const kept = await fileSystemSink({ directory: dir, existing: 'keep-both' }).save(file());
    expect(kept.name).toBe('c-1.zip');
    expect(readFileSync(join(dir, 'c.zip'), 'utf8')).toBe('old');
    const replaced = await fileSystemSink({ directory: dir, existing: 'replace' }).save(file());
    expect(replaced.location).toBe(join(dir, 'c.zip'));
    expect(readFileSync(join(dir, 'c.zip'), 'utf8')).toBe('new');
    const named = await fileSystemSink({ directory: dir, fileName: 'mine.zip' }).save(file());
    expect(named.name).toBe('mine.zip');
    expect(readdirSync(dir).sort()).toEqual(['c-1.zip', 'c.zip', 'mine.zip']);
  });

  it('says in words when the folder is not there', async () => {
    const sink = fileSystemSink({ directory: join(dir, 'missing') });
    await expect(sink.save({ name: 'd', contentType: 'x', body: chunks('x') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `${join(dir, 'missing')}: no such folder to save the file in`,
    });
  });
});

describe('safeFileName', () => {
  it('keeps a plain name and never lets a server choose a folder or a hidden file', () => {
    expect(safeFileName('event_4.pcap', 'f')).toBe('event_4.pcap');
    expect(safeFileName('../../etc/passwd', 'f')).toBe('passwd');
    expect(safeFileName('C:\\temp\\x.zip', 'f')).toBe('x.zip');
    expect(safeFileName('.bashrc', 'f')).toBe('bashrc');
    expect(safeFileName('..', 'f')).toBe('f');
    expect(safeFileName('traffic "1".zip', 'f')).toBe('traffic__1_.zip');
    expect(safeFileName(undefined, 'event_4.pcap')).toBe('event_4.pcap');
    expect(safeFileName('x'.repeat(300) + '.pcap', 'f')).toHaveLength(200);
  });
});
