/**
 * `--format ndjson` of a streaming command, in-process against the emulator: the lines are the records of the
 * JSON result's `context`, in order; a failure before the first record writes nothing on stdout; a failure
 * mid-stream leaves the lines written so far, adds the final error line on stderr and exits with the error's
 * code; the writer waits for a full stream to drain.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNdjsonRecords } from '../../../src/adapters/cli/format.ts';
import type { CommandResult, PlainJson } from '../../../src/commands/core/types.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';
import { parseWireJson } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { MID_STREAM_FAILURE, streamingTestCommand } from '../../support/streaming-command.ts';
import { runCli, type CliRun } from './support.ts';

describe('kconnect <list> --format ndjson (streamed)', () => {
  let emu: TestEmulator;
  let dir: string;
  let passwordFile: string;
  const flags = (): string[] => ['--url', emu.url, '--user', 'admin', '--password-file', passwordFile];
  const kconnect = (args: readonly string[]): Promise<CliRun> =>
    runCli([...args, ...flags()], {
      cwd: dir,
      env: { KCONNECT_STATE_DIR: join(dir, 'state') },
      commands: [...COMMANDS, streamingTestCommand],
    });
  const lines = (run: CliRun): PlainJson[] =>
    run.stdout === ''
      ? []
      : run.stdout
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as PlainJson);
  const contextOf = (run: CliRun): PlainJson =>
    (parseWireJson(run.stdout) as unknown as CommandResult).context;

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 60, events: 400 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-cli-stream-'));
    passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${TEST_PASSWORD}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('list-hosts: one line per record of the JSON context, in the same order', async () => {
    const args = ['list-hosts', '--limit', '1000'];
    const json = await kconnect([...args, '--format', 'json']);
    const ndjson = await kconnect([...args, '--format', 'ndjson']);
    expect(ndjson.code).toBe(0);
    expect(ndjson.stderr).toBe('');
    const context = contextOf(json) as PlainJson[];
    expect(context.length).toBeGreaterThan(10);
    expect(lines(ndjson)).toEqual(context);
  });

  it('fetch-event and list-recent-events: the same records as their JSON context', async () => {
    for (const args of [
      ['fetch-event', '--start-time', '2000-01-01T00:00:00Z', '--limit', '300'],
      ['list-recent-events', '--limit', '50'],
    ]) {
      const json = await kconnect([...args, '--format', 'json']);
      const ndjson = await kconnect([...args, '--format', 'ndjson']);
      expect(ndjson.code, args[0]).toBe(0);
      expect((contextOf(json) as PlainJson[]).length, args[0]).toBeGreaterThan(0);
      expect(lines(ndjson), args[0]).toEqual(contextOf(json));
    }
  });

  it('bad input: nothing on stdout, the error line on stderr, exit 2', async () => {
    const run = await kconnect(['list-hosts', '--limit', '0', '--format', 'ndjson']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: List Hosts failed\. The value for parameter \(limit\) is invalid/);
  });

  it('a mid-stream failure: the records before it, then the final error line, and the exit code', async () => {
    const run = await kconnect([
      'stream-test-list',
      '--count',
      '10',
      '--fail-after',
      '4',
      '--format',
      'ndjson',
    ]);
    expect(lines(run).map((r) => (r as { n: number }).n)).toEqual([0, 1, 2, 3]);
    expect(run.stderr).toBe(
      `error: Stream Test List failed. ${MID_STREAM_FAILURE} (503 UPSTREAM_UNAVAILABLE)\n`,
    );
    expect(run.code).toBe(8);
    // The same failure as a whole JSON result: no data, the same error.
    const json = await kconnect([
      'stream-test-list',
      '--count',
      '10',
      '--fail-after',
      '4',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(8);
    expect((parseWireJson(json.stdout) as unknown as CommandResult).errors[0]?.message).toBe(
      MID_STREAM_FAILURE,
    );
  });

  it('waits for a full output stream to drain before reading on', async () => {
    const out = new PassThrough({ highWaterMark: 64 });
    let produced = 0;
    async function* records(): AsyncGenerator<PlainJson> {
      for (let n = 0; n < 50; n++) {
        produced++;
        yield { n, padding: 'x'.repeat(100) };
      }
    }
    const writing = writeNdjsonRecords(records(), out);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Nobody reads: the writer stopped at the first full buffer instead of taking every record.
    expect(produced).toBe(1);
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    expect(await writing).toBe(50);
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(50);
  });
});
