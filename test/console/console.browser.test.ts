/**
 * The web console in a real Chromium (Debian's, driven by playwright-core) against the demo: a live KSC
 * emulator, the HTTP service and the console, started in-process on free ports. Screenshots of the main pages
 * go to test-results/console/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/adapters/cli/demo.ts';
import type { HostRecord } from '../../src/emulator/ksc/world/model.ts';
import { launchChromium, secretFreeShot, SHOTS } from './support/browser.ts';

const PASSWORD = 'console-test-password-7715';
const LICENSE_EXPIRED = 1 << 9;

/** What the tests read of a property of an input's JSON Schema. */
interface SchemaProperty {
  description?: string;
  enum?: unknown[];
}

const has = (host: HostRecord, product: string) => host.products.some((p) => p.name === product);
const dn = (host: HostRecord) => String(host.attributes['KLHST_WKS_DN']);

describe('the web console in Chromium', () => {
  let dir: string;
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  /** A screenshot of the page, after checking that no secret is on it: screenshots are kept as artefacts. */
  const shot = (name: string) => secretFreeShot(page, name, [demo.token, PASSWORD], { fullPage: true });
  const consoleAt = (hash: string) => page.goto(`${demo.service.url}/console#${hash}`);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-console-'));
    demo = await startDemo({
      emulator: {
        dataDir: dir,
        adminPassword: PASSWORD,
        port: 0,
        hosts: 80,
        events: 600,
        liveRate: 4,
        // Agents sync every second and a full scan takes a few seconds: the scan test ends in well under a minute.
        agentSyncSeconds: 1,
        taskTimeScale: 0.01,
      },
      // The console shows the KSC side only; the KICS emulator is there because the demo always starts it.
      kics: {
        dataDir: path.join(dir, 'kics'),
        port: 0,
        kscHosts: 80,
        devices: 20,
        events: 50,
        connectorPassword: PASSWORD,
      },
      service: { port: 0 },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the link the demo prints, takes the token out of the address bar, and shows the overview', async () => {
    await page.goto(demo.consoleUrl);
    await page.getByTestId('status-reasons').waitFor();
    expect(page.url()).not.toContain(demo.token);
    expect(page.url()).toMatch(/\/console#\/$/);
    const connections = page.getByTestId('connections');
    await expect.poll(() => connections.locator('tbody tr').count()).toBe(1);
    expect(await connections.locator('tbody tr').first().innerText()).toMatch(/demo \(default\)\s+OK/);
    expect(await page.getByTestId('server-status').innerText()).toMatch(
      /Status:\s*(OK|Informational|Warning|Critical)/,
    );
    // The token lives in this tab's sessionStorage only: never in the page, nor in storage that outlives the tab.
    expect(await page.locator('body').innerText()).not.toContain(demo.token);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await shot('overview');
  });

  it('searches hosts by name and filters them by status, in words', async () => {
    const hosts = demo.emulator.world.hostsOf(0);
    const target = hosts[7]!;
    await consoleAt('/hosts');
    await page.locator('#host-search').fill(dn(target).toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('host-count').textContent()).toBe('1–1 of 1 matching hosts');
    const rows = page.getByTestId('hosts').locator('tbody tr');
    expect(await rows.first().locator('a').innerText()).toBe(dn(target));

    await page.locator('#host-search').fill('');
    await page.locator('#host-status').selectOption('1');
    await page.getByRole('button', { name: 'Search' }).click();
    const critical = hosts.filter((x) => x.attributes['KLHST_WKS_STATUS_ID'] === 1).length;
    expect(critical).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('host-count').textContent())
      .toBe(`1–${critical} of ${critical} matching hosts`);
    const badges = await rows.locator('.badge').allInnerTexts();
    expect(badges).toHaveLength(critical);
    expect(new Set(badges)).toEqual(new Set(['Critical']));
    expect(page.url()).toContain('#/hosts?status=1');

    // Pages: sorted by name, Next and Previous, none past the end.
    await page.locator('#host-status').selectOption('');
    await page.locator('#host-page-size').selectOption('50');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => page.getByTestId('host-count').textContent())
      .toBe(`1–50 of ${hosts.length} matching hosts`);
    const firstPage = await rows.locator('td:first-child').allInnerTexts();
    expect(firstPage).toEqual([...firstPage].sort((a, b) => a.localeCompare(b, 'en')));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect
      .poll(() => page.getByTestId('host-count').textContent())
      .toBe(`51–${hosts.length} of ${hosts.length} matching hosts`);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    const secondPage = await rows.locator('td:first-child').allInnerTexts();
    expect(secondPage.filter((name) => firstPage.includes(name))).toEqual([]);
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect
      .poll(() => page.getByTestId('host-count').textContent())
      .toBe(`1–50 of ${hosts.length} matching hosts`);
    await shot('hosts');
  });

  it('shows a host in words, starts a scan from its page and follows it to its result', async () => {
    const host = demo.emulator.world
      .hostsOf(0)
      .find(
        (x) =>
          has(x, '1103') &&
          has(x, 'KES') &&
          (Number(x.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & LICENSE_EXPIRED) === 0 &&
          !String(x.attributes['KLHST_WKS_OS_NAME']).includes('Server'),
      )!;
    await consoleAt(`/host/${encodeURIComponent(host.id)}`);
    const facts = page.getByTestId('host-facts');
    await facts.waitFor();
    expect(await page.locator('h1').innerText()).toBe(dn(host));
    const text = await facts.innerText();
    expect(text).toMatch(/Status\s+(OK|Critical|Warning)/);
    expect(text).toContain('Real-time protection');
    expect(text).toMatch(/Kaspersky applications\s+.*KES/);
    // Isolation needs Kaspersky Endpoint Agent: the section says so for a host without it.
    await expect
      .poll(() => page.getByTestId('isolation').innerText())
      .toMatch(
        has(host, 'EDRAgent') ? /State\s+(not isolated|isolated|pending)/ : /no Kaspersky Endpoint Agent/,
      );
    await page.getByTestId('tasks').locator('table').waitFor();
    await page.getByTestId('applications').locator('table').waitFor();
    await shot('host');

    const scanType = await page.locator('#scan-type').inputValue();
    expect(scanType).toContain('Kaspersky Endpoint Security for Windows');
    await page.locator('#start-scan').click();
    const state = page.getByTestId('scan-state');
    await state.waitFor();
    // Progress is shown while it runs: a task state, then the end and the scan's own events.
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toMatch(/^Task \d+: /);
    await page.getByTestId('scan-events').waitFor({ timeout: 60_000 });
    expect(await state.getAttribute('data-state')).toMatch(/^completed/);
    expect(await page.locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('100');
    const events = await page.getByTestId('scan-events').locator('tbody tr').allInnerTexts();
    expect(events.join('\n')).toMatch(/Task state changed|completed/i);
    expect(await page.getByTestId('action-log').innerText()).toContain('Successful');
    // The host's task list is read again and now holds the scan task.
    await expect.poll(() => page.getByTestId('tasks').innerText()).toContain('Virus Scan_kconnect');
    await shot('scan');
  }, 90_000);

  it('isolates a host and restores a quarantined file from the host page, each shown as it changes', async () => {
    const listed = await fetch(`${demo.service.url}/v1/commands/list_quarantine_files`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${demo.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ limit: 50 }),
    });
    const files = ((await listed.json()) as { context: Array<{ nId: number; strHostName: string }> }).context;
    const file = files.find((f) => has(demo.emulator.world.hosts.get(f.strHostName)!, 'EDRAgent'));
    expect(file, 'a quarantined file on a host with Kaspersky Endpoint Agent').toBeDefined();
    await consoleAt(`/host/${encodeURIComponent(file!.strHostName)}`);
    const isolation = page.getByTestId('isolation');
    await expect.poll(() => isolation.innerText()).toMatch(/State\s+not isolated/);
    await page.locator('#isolation-minutes').fill('15');
    await page.locator('#isolate').click();
    await expect.poll(() => page.getByTestId('action-log').innerText()).toContain('Successful Isolate Hosts');
    // The section reads the state again: pending until the agent's next sync, then isolated.
    await expect.poll(() => isolation.innerText()).toMatch(/State\s+(pending|isolated)/);

    const row = page.getByTestId('quarantine-files').locator('tbody tr', { hasText: String(file!.nId) });
    await row.getByRole('button', { name: 'Restore' }).click();
    await expect
      .poll(() => page.getByTestId('action-log').innerText())
      .toContain('Successful Unquarantine Files');
    await page.locator('#unisolate').click();
    await expect
      .poll(() => page.getByTestId('action-log').innerText())
      .toContain('Successful Unisolate Hosts');
    await shot('host-actions');
  });

  it('shows events as they arrive, newest first', async () => {
    await consoleAt('/events');
    const rows = page.getByTestId('events').locator('tbody tr');
    await rows.first().waitFor();
    const before = await rows.count();
    const firstBefore = await rows.first().innerText();
    // The demo's emulator raises four events a second; the page asks every three seconds.
    await expect.poll(() => rows.first().innerText(), { timeout: 15_000 }).not.toBe(firstBefore);
    expect(await rows.count()).toBeGreaterThan(before);
    await page.locator('#event-severity').selectOption('1');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const cell of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(cell).toMatch(/^Info/);
    await shot('events');
    // An event's host leads to the host's page.
    const link = rows.locator('td:nth-child(4) a').first();
    const name = await link.innerText();
    await link.click();
    await expect.poll(() => page.locator('h1').innerText()).toBe(name);
  });

  it('lists the calls it made in the audit log, the scan among them', async () => {
    await consoleAt('/audit');
    const audit = page.getByTestId('audit');
    await audit.waitFor();
    const text = await audit.innerText();
    expect(text).toMatch(/demo\s+scan_hosts\s+demo/);
    expect(text).toContain('get_host_status');
    await page.locator('#audit-command').selectOption('scan_hosts');
    await expect.poll(() => audit.locator('tbody tr').count()).toBe(1);
    await shot('audit');
  });

  it('runs a command and shows its result table and its raw JSON', async () => {
    await consoleAt('/run/get_server_status');
    expect(await page.locator('#command-input').inputValue()).toBe('{}');
    await page.locator('#run-command').click();
    await page.getByTestId('command-status').waitFor();
    expect(await page.getByTestId('command-status').innerText()).toMatch(/^Successful in \d+ ms/);
    const table = page.getByTestId('result-table');
    expect(await table.locator('th').allInnerTexts()).toEqual(['Status', 'Reason Bit', 'Reason']);
    const raw = JSON.parse(await page.getByTestId('raw-json').innerText()) as Record<string, unknown>;
    expect(JSON.stringify(raw)).toContain('KLSTS_Par_Status');
    await shot('run');

    await consoleAt('/run/list_hosts');
    await page.locator('#command-input').fill('{"limit": "many"}');
    await page.locator('#run-command').click();
    await page.getByTestId('errors').waitFor();
    expect(await page.getByTestId('errors').innerText()).toContain('limit');
  });

  it('builds the runner’s form from the command’s input schema, in step with the raw JSON', async () => {
    const answer = await fetch(`${demo.service.url}/v1/commands`, {
      headers: { Authorization: `Bearer ${demo.token}` },
    });
    const { commands } = (await answer.json()) as {
      commands: Array<{ name: string; input: { properties: Record<string, SchemaProperty> } }>;
    };
    const schemaOf = (name: string) => commands.find((c) => c.name === name)!.input.properties;
    const json = async () => JSON.parse(await page.locator('#command-input').inputValue()) as unknown;

    // The last test left the page on this command: leave it first, so that the page is built anew.
    await consoleAt('/');
    await consoleAt('/run/list_hosts');
    const form = page.getByTestId('command-form');
    await form.waitFor();
    const fields = await form
      .locator('[data-field]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-field')));
    expect(fields).toEqual(Object.keys(schemaOf('list_hosts')));
    const limit = form.locator('[data-field=limit] input');
    expect(await limit.getAttribute('type')).toBe('number');
    expect(await limit.getAttribute('min')).toBe('1');
    expect(await limit.getAttribute('placeholder')).toBe('default: 1000');
    expect(await form.locator('[data-field=limit] .hint').innerText()).toBe(
      schemaOf('list_hosts')['limit']!.description,
    );
    // The command's example fills both.
    expect(await json()).toEqual({ filter: '(KLHST_WKS_STATUS_ID = 2)', limit: 10 });
    expect(await limit.inputValue()).toBe('10');
    expect(await form.locator('[data-field=filter] input').inputValue()).toBe('(KLHST_WKS_STATUS_ID = 2)');

    // The form writes the JSON, with types: a number, a list one a line, an emptied field left out.
    await form.locator('[data-field=filter] input').fill('');
    await limit.fill('3');
    await form.locator('[data-field=fields] textarea').fill('KLHST_WKS_DN\nKLHST_WKS_HOSTNAME\n');
    expect(await json()).toEqual({ limit: 3, fields: ['KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME'] });
    await page.locator('#run-command').click();
    await page.getByTestId('command-status').waitFor();
    expect(await page.getByTestId('command-status').innerText()).toMatch(/^Successful in \d+ ms/);
    const raw = JSON.parse(await page.getByTestId('raw-json').innerText()) as {
      pChunk: { KLCSP_ITERATOR_ARRAY: Array<Record<string, unknown>> };
    };
    expect(raw.pChunk.KLCSP_ITERATOR_ARRAY).toHaveLength(3);

    // And the JSON, edited by hand, fills the form.
    await page.locator('#command-input').fill('{"offset": 5, "limit": 2}');
    expect(await form.locator('[data-field=offset] input').inputValue()).toBe('5');
    expect(await limit.inputValue()).toBe('2');
    expect(await form.locator('[data-field=fields] textarea').inputValue()).toBe('');

    // An enum is a choice of its values, a flag a checkbox, a required field says so.
    await consoleAt('/run/scan_hosts');
    const scanTypes = await page.locator('[data-field=scanType] option').allInnerTexts();
    expect(scanTypes.slice(1)).toEqual(schemaOf('scan_hosts')['scanType']!.enum);
    expect(await page.locator('[data-field=wait] input').getAttribute('type')).toBe('checkbox');
    expect(await page.locator('[data-field=hostNames] .required').count()).toBe(1);
    expect(await page.locator('[data-field=wait] .required').count()).toBe(0);
    await page.locator('[data-field=scanType] select').selectOption({ label: scanTypes[2]! });
    await page.locator('[data-field=wait] input').check();
    expect(await json()).toMatchObject({ scanType: scanTypes[2], wait: true });
    await shot('run-form');
  });

  it('gives a read-only token no actions, and refuses a wrong token', async () => {
    const reader = await demo.service.tokens.create('console-reader', 'read');
    const other = await browser.newContext();
    try {
      const readerPage = await other.newPage();
      await readerPage.goto(`${demo.service.url}/console`);
      await readerPage.locator('#token').fill('kc_not-a-token');
      await readerPage.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => readerPage.locator('.login .error').textContent()).toMatch(/token/i);

      await readerPage.locator('#token').fill(reader.token);
      await readerPage.getByRole('button', { name: 'Sign in' }).click();
      await readerPage.getByTestId('connections').waitFor();
      const host = demo.emulator.world.hostsOf(0)[0]!;
      await readerPage.goto(`${demo.service.url}/console#/host/${encodeURIComponent(host.id)}`);
      await readerPage.getByTestId('host-facts').waitFor();
      await expect.poll(() => readerPage.getByTestId('actions').innerText()).toContain('no respond scope');
      expect(await readerPage.locator('#start-scan').count()).toBe(0);
      await readerPage.goto(`${demo.service.url}/console#/audit`);
      await expect.poll(() => readerPage.locator('main').innerText()).toContain('needs the admin scope');
      await readerPage.goto(`${demo.service.url}/console#/run/scan_hosts`);
      expect(await readerPage.locator('#run-command').isDisabled()).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('ran without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
