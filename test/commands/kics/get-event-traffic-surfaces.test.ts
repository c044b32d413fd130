/**
 * `kics_get_event_traffic` on every surface, against the KICS emulator over mutual TLS: the CLI writes the file
 * (`--output`, no overwrite without `--force`, nothing half-written), the HTTP service answers with the file
 * itself, the MCP server saves it into its downloads folder.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpCommand } from '../../../src/adapters/cli/mcp-command.ts';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { CommandContext } from '../../../src/commands/core/types.ts';
import { KconnectError } from '../../../src/errors.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { runCli } from '../../adapters/cli/support.ts';
import { testServiceDatabase } from '../../adapters/http/support.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

const PCAP_MAGIC_LE = 'd4c3b2a1';
const UNKNOWN = 987654;

describe('kics_get_event_traffic on the CLI, the HTTP service and MCP', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let pcap4: Buffer;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 40, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    pcap4 = Buffer.from((await kics.eventTraffic(4)).bytes);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A context without the harness's file sink: each surface brings its own. */
  const bare = (): CommandContext => {
    const { files: _harnessSink, ...rest } = h.context();
    return rest;
  };
  const partFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.part'));

  describe('the CLI', () => {
    let out: string;
    beforeAll(() => {
      out = mkdtempSync(join(h.dir, 'cli-'));
    });
    const cli = (args: string[], extra: Parameters<typeof runCli>[1] | object = {}) =>
      runCli(['kics-get-event-traffic', '--connection', 'plant', ...args], {
        cwd: h.dir,
        env: { ...h.env },
        ...extra,
      });

    it('writes the PCAP into the folder of --output under the server’s name, and says where and how big', async () => {
      const run = await cli(['--event', '4', '--output', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { status: string; keyFields: Record<string, unknown> };
      const path = join(out, 'event_4.pcap');
      expect(result.keyFields).toMatchObject({
        SavedTo: path,
        Bytes: pcap4.length,
        FileName: 'event_4.pcap',
      });
      const saved = readFileSync(path);
      expect(saved.equals(pcap4)).toBe(true);
      expect(saved.subarray(0, 4).toString('hex')).toBe(PCAP_MAGIC_LE);
      const table = await cli(['--event', '8', '--output', out, '--format', 'table']);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain(join(out, 'event_8.pcap'));
    });

    it('refuses to overwrite without --force (before any request for a named file), and replaces with it', async () => {
      const named = join(out, 'capture.pcap');
      writeFileSync(named, 'keep me');
      const refused = await cli(['--event', '4', '--output', named]);
      expect(refused.code).toBe(6);
      expect(JSON.parse(refused.stdout)).toMatchObject({
        status: 'Failed',
        errors: [{ code: 'CONFLICT', statusCode: 409, message: expect.stringContaining(named) }],
      });
      expect(readFileSync(named, 'utf8')).toBe('keep me');
      // In a folder the server names the file: refused once it is known, the download thrown away.
      const again = await cli(['--event', '4', '--output', out]);
      expect(again.code).toBe(6);
      expect(partFiles(out)).toEqual([]);
      const forced = await cli(['--event', '4', '--output', named, '--force']);
      expect(forced.code).toBe(0);
      expect(readFileSync(named).equals(pcap4)).toBe(true);
    });

    it('leaves nothing behind for an unknown event, a missing folder or Ctrl-C', async () => {
      const before = readdirSync(out).sort();
      const unknown = await cli(['--event', String(UNKNOWN), '--output', out]);
      expect(unknown.code).toBe(5);
      expect(JSON.parse(unknown.stdout)).toMatchObject({
        errors: [{ item: String(UNKNOWN), statusCode: 404 }],
      });
      const missing = await cli(['--event', '4', '--output', join(out, 'no', 'such', 'x.pcap')]);
      expect(missing.code).toBe(2);
      expect(missing.stdout).toContain('no such folder');
      const interrupted = await cli(['--event', '4', '--output', join(out, 'interrupted.pcap')], {
        onInterrupt: (listener: () => void) => {
          setImmediate(listener);
          return () => undefined;
        },
      });
      expect(interrupted.code).toBe(130);
      expect(readdirSync(out).sort()).toEqual(before);
    });

    it('saves a ZIP of several events into the current folder by default', async () => {
      const cwd = mkdtempSync(join(h.dir, 'cwd-'));
      writeFileSync(join(cwd, 'kconnect.yaml'), readFileSync(join(h.dir, 'kconnect.yaml')));
      const run = await runCli(['kics-get-event-traffic', '--connection', 'plant', '--event-ids', '4,8'], {
        cwd,
        env: { ...h.env },
      });
      expect(run.code).toBe(0);
      const { keyFields } = JSON.parse(run.stdout) as { keyFields: { SavedTo: string; ContentType: string } };
      expect(keyFields.ContentType).toBe('application/zip');
      expect(keyFields.SavedTo.startsWith(`${cwd}/`)).toBe(true);
      expect(readFileSync(keyFields.SavedTo).subarray(0, 2).toString('latin1')).toBe('PK');
    });
  });

  describe('the HTTP service', () => {
    let service: RunningService;
    let drop: () => Promise<void>;
    let token: string;
    beforeAll(async () => {
      const database = await testServiceDatabase('sqlite');
      drop = database.drop;
      service = await startService({
        contexts: (connection) => {
          if (connection !== undefined && connection !== 'plant')
            throw new KconnectError('NOT_FOUND', `connection: no connection named "${connection}"`);
          return bare();
        },
        clients: () => h.factory.vendorClient('plant'),
        connections: ['plant'],
        defaultConnection: 'plant',
        database: database.location,
        port: 0,
        logger: () => undefined,
      });
      token = (await service.tokens.create('console', 'read')).token;
    });
    afterAll(async () => {
      await service?.close();
      await drop?.();
    });

    const spools = () => readdirSync(tmpdir()).filter((n) => n.startsWith('kconnect-file-'));
    const call = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(new URL('/v1/commands/kics_get_event_traffic', service.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    it('answers with the PCAP itself: type, name, length and status in headers', async () => {
      const response = await call({ eventIds: [4] });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="event_4.pcap"');
      expect(response.headers.get('content-length')).toBe(String(pcap4.length));
      expect(response.headers.get('x-kconnect-status')).toBe('Successful');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.equals(pcap4)).toBe(true);
      await waitFor(() => spools().length === 0, { what: 'the call’s spool to be removed' });

      const audit = await service.audit.query({ command: 'kics_get_event_traffic', limit: 10 });
      expect(audit[0]).toMatchObject({
        command: 'kics_get_event_traffic',
        outcome: 'Successful',
        statusCode: 200,
      });
    });

    it('answers a ZIP with the failed items named, and the JSON result when asked for it alone', async () => {
      const zip = await call({ eventIds: [4, UNKNOWN, 8] });
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      expect(zip.headers.get('x-kconnect-status')).toBe('Partially Successful');
      expect(zip.headers.get('x-kconnect-failed-items')).toBe(String(UNKNOWN));
      expect(
        Buffer.from(await zip.arrayBuffer())
          .subarray(0, 2)
          .toString('latin1'),
      ).toBe('PK');

      const json = await call({ eventIds: [4] }, { Accept: 'application/json' });
      expect(json.headers.get('content-type')).toContain('application/json');
      const result = (await json.json()) as { status: string; keyFields: { Bytes: number } };
      expect(result).toMatchObject({ status: 'Successful', keyFields: { Bytes: pcap4.length } });
      await waitFor(() => spools().length === 0, { what: 'the spools to be removed' });
    });

    it('answers a failure as the usual JSON result with its status code', async () => {
      const response = await call({ eventIds: [UNKNOWN] });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({
        status: 'Failed',
        errors: [{ statusCode: 404, code: 'NOT_FOUND', item: String(UNKNOWN) }],
      });
      const bad = await call({ eventIds: [] });
      expect(bad.status).toBe(400);
      expect(spools()).toEqual([]);
      const audit = await service.audit.query({ command: 'kics_get_event_traffic', limit: 1 });
      expect(audit[0]).toMatchObject({ outcome: 'Failed', statusCode: 400 });
    });

    it('removes the spool when the client goes away mid-answer', async () => {
      const response = await call({ eventIds: [4, 8, 11] });
      expect(response.status).toBe(200);
      await response.body?.cancel();
      await waitFor(() => spools().length === 0, { what: 'the spool of the cancelled answer to be removed' });
    });

    it('describes the binary answer in the OpenAPI document', async () => {
      const document = (await (await fetch(new URL('/openapi.json', service.url))).json()) as {
        paths: Record<string, { post: { responses: Record<string, { content: Record<string, unknown> }> } }>;
      };
      const ok = document.paths['/v1/commands/kics_get_event_traffic']!.post.responses['200']!;
      expect(Object.keys(ok.content)).toEqual(
        expect.arrayContaining(['application/vnd.tcpdump.pcap', 'application/zip']),
      );
      expect(ok.content['application/zip']).toMatchObject({ schema: { type: 'string', format: 'binary' } });
    });
  });

  it('MCP saves the file into --downloads-dir (made 0700) and returns where, how big and its SHA-256', async () => {
    const downloads = join(mkdtempSync(join(h.dir, 'mcp-')), 'downloads');
    const lines: string[] = [];
    let stop: (() => void) | undefined;
    const command = mcpCommand(
      () => Promise.resolve({ context: bare, allowDestructive: false, close: () => Promise.resolve() }),
      {
        env: {},
        stderr: (line) => lines.push(line),
        onStopSignal: (s) => {
          stop = s;
          return () => (stop = undefined);
        },
      },
    );
    const done = new Command('kconnect')
      .exitOverride()
      .addCommand(command)
      .parseAsync(['mcp', '--http', '0', '--no-auth', '--downloads-dir', downloads], { from: 'user' });
    const line = await waitFor(() => lines.find((l) => l.includes('listening on')), {
      what: () => `the MCP server to listen: ${lines.join('\n')}`,
    });
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(/listening on (\S+)/.exec(line)![1]!)));
    try {
      const first = await client.callTool({ name: 'kics_get_event_traffic', arguments: { eventIds: [4] } });
      expect(first.isError ?? false).toBe(false);
      const { keyFields } = first.structuredContent as {
        keyFields: { SavedTo: string; Bytes: number; Sha256: string };
      };
      expect(keyFields.SavedTo).toBe(join(downloads, 'event_4.pcap'));
      expect(keyFields.Bytes).toBe(pcap4.length);
      expect(keyFields.Sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(keyFields.SavedTo).equals(pcap4)).toBe(true);
      expect(statSync(downloads).mode & 0o777).toBe(0o700);
      const text = (first.content as Array<{ text: string }>)[0]!.text;
      expect(text).toContain(keyFields.SavedTo);
      // An earlier download is kept: the new one goes beside it.
      const second = await client.callTool({ name: 'kics_get_event_traffic', arguments: { eventIds: [4] } });
      expect((second.structuredContent as { keyFields: { SavedTo: string } }).keyFields.SavedTo).toBe(
        join(downloads, 'event_4-1.pcap'),
      );
      const failed = await client.callTool({
        name: 'kics_get_event_traffic',
        arguments: { eventIds: [UNKNOWN] },
      });
      expect(failed.isError).toBe(true);
      expect(readdirSync(downloads).sort()).toEqual(['event_4-1.pcap', 'event_4.pcap']);
    } finally {
      await client.close();
      stop?.();
      await done;
    }
  });
});
