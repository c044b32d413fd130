/**
 * The console's Pipelines page in a real Chromium against the demo with its intake running (both emulators into
 * files of a temporary folder): the nav entry, the table, each pipeline's facts, the charts of throughput and lag
 * with their numbers, the errors and gaps, under the console's CSP, and axe-core's check. Screenshot:
 * test-results/console/pipelines.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/adapters/cli/demo.ts';
import { startService, type RunningService } from '../../src/adapters/http/service.ts';
import type { KscClient } from '../../src/ksc/client/client.ts';
import { TestContexts } from '../adapters/http/support.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { SiemSwitch, twoSinkPipeline } from '../support/two-sink-pipeline.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { launchChromium, graveAxeViolations, SHOTS } from './support/browser.ts';

const PASSWORD = 'console-pipelines-password-3391';
const VIEWPORT = { width: 1280, height: 800 };

describe('the console: Pipelines', () => {
  let dir: string;
  let demo: RunningDemo;
  let browser: Browser;
  let strict: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-console-pipelines-'));
    demo = await startDemo({
      emulator: { dataDir: dir, adminPassword: PASSWORD, port: 0, hosts: 40, events: 300, liveRate: 4 },
      kics: {
        dataDir: path.join(dir, 'kics'),
        port: 0,
        kscHosts: 40,
        devices: 20,
        events: 100,
        liveRate: 2,
        connectorPassword: PASSWORD,
      },
      service: { port: 0 },
      intake: { dir: path.join(dir, 'intake') },
    });
    browser = await launchChromium();
    strict = await browser.newContext({ viewport: VIEWPORT });
    page = await strict.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        cspViolations.push(message.text());
      }
    });
    // Charts need a few samples (at most one a second): wait until both pipelines follow with some history.
    const supervisor = demo.service.pipelines!;
    const ready = () =>
      supervisor.status().every((s) => s.state === 'following') &&
      demo.pipelines.every((p) => (supervisor.history(p.name)?.length ?? 0) >= 3);
    for (const deadline = Date.now() + 40_000; !ready();) {
      if (Date.now() > deadline)
        throw new Error(`pipelines not ready: ${JSON.stringify(supervisor.status())}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the Pipelines entry and each pipeline: state, lag, throughput, totals, charts, errors and gaps', async () => {
    await page.goto(demo.consoleUrl);
    await page.getByTestId('connections').waitFor();
    const entry = page.locator('#nav a[data-page=pipelines]');
    await expect.poll(() => entry.isVisible()).toBe(true);
    await entry.click();

    const rows = page.getByTestId('pipelines').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const texts = await rows.allInnerTexts();
    expect(texts[0]).toMatch(/^ksc-events\s+Following/);
    expect(texts[0]).toContain('ksc.events → ecs → file');
    expect(texts[1]).toMatch(/^kics-events\s+Following/);
    expect(texts[1]).toContain('kics.events → ocsf → file');

    for (const name of ['ksc-events', 'kics-events']) {
      const facts = page.getByTestId(`pipeline-facts-${name}`);
      await facts.waitFor();
      const text = await facts.innerText();
      expect(text).toMatch(/State\s+Following/);
      expect(text).toMatch(/Lag\s+\d+ s/);
      expect(text).toMatch(/Throughput\s+(\d+ records\/s|not measured yet)/);
      expect(text).toMatch(/Records read\s+[1-9]\d*/);
      expect(text).toContain(path.join(dir, 'intake', `${name}.ndjson`));
      // Both charts drawn by uPlot under the CSP, each with its numbers as a table.
      for (const chart of [`pipeline-throughput-${name}`, `pipeline-lag-${name}`]) {
        await page.locator(`[data-testid=${chart}] .time-chart[data-drawn=true]`).waitFor();
        expect(await page.getByTestId(chart).locator('canvas').count()).toBeGreaterThan(0);
        expect(await page.getByTestId(chart).locator('details table tbody tr').count()).toBeGreaterThan(0);
      }
      const card = page.getByTestId(`pipeline-${name}`);
      expect(await card.innerText()).toMatch(/Last errors\s+None\./);
      expect(await card.innerText()).toMatch(/Last gaps\s+None: every record the server had was read\./);
    }
    // The figures refresh by themselves: the KICS emulator raises events all the time.
    const recordsOf = async () =>
      Number(
        /Records read\s+(\d+)/.exec(await page.getByTestId('pipeline-facts-kics-events').innerText())?.[1],
      );
    const before = await recordsOf();
    await expect.poll(recordsOf, { timeout: 15_000 }).toBeGreaterThan(before);

    const body = await page.locator('body').innerText();
    expect(body).not.toContain(demo.token);
    expect(body).not.toContain(PASSWORD);
    await page.screenshot({ path: path.join(SHOTS, 'pipelines.png'), fullPage: true });
  }, 60_000);

  it('hides the entry from a token that may see no pipeline', async () => {
    const { token } = await demo.service.tokens.create('elsewhere', 'read', 'elsewhere');
    const other = await strict.newPage();
    try {
      await other.goto(`${demo.service.url}/console#token=${token}`);
      await other.locator('#nav').waitFor();
      await expect.poll(() => other.locator('#nav a[data-page=hosts]').isVisible()).toBe(true);
      expect(await other.locator('#nav a[data-page=pipelines]').isVisible()).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('has no serious or critical axe violation', async () => {
    const axeContext = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true });
    try {
      const axePage = await axeContext.newPage();
      await axePage.goto(demo.consoleUrl);
      await axePage.getByTestId('connections').waitFor();
      await axePage.goto(`${demo.service.url}/console#/pipelines`);
      await axePage.locator('[data-testid=pipeline-lag-kics-events] .time-chart[data-drawn=true]').waitFor();
      expect(await graveAxeViolations(axePage, 'pipelines')).toEqual([]);
    } finally {
      await axeContext.close();
    }
  }, 60_000);

  it('ran without a script error or a CSP violation', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

describe('the console: Pipelines, a pipeline with two sinks', () => {
  const PIPELINE = 'ksc-to-siem';
  let emu: TestEmulator;
  let dir: string;
  let contexts: TestContexts;
  let receiver: WebhookReceiver;
  let siem: SiemSwitch;
  let service: RunningService;
  let browser: Browser;
  const clients: KscClient[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    emu = await startTestEmulator('sqlite', { hosts: 40, events: 300, virtualServers: [] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-console-sinks-'));
    contexts = new TestContexts(emu);
    receiver = await startWebhookReceiver({ tls: false });
    siem = new SiemSwitch(receiver, 3);
    siem.down = true;
    service = await startService({
      contexts: contexts.context,
      connections: ['default'],
      database: { file: path.join(dir, 'service.db') },
      port: 0,
      pipelines: [
        twoSinkPipeline({
          name: PIPELINE,
          kscUrl: emu.url,
          password: TEST_PASSWORD,
          connection: 'default',
          receiver,
          dir,
          clients,
        }),
      ],
      shutdownGraceMs: 5000,
    });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await contexts?.close();
    for (const client of clients) await client.close().catch(() => undefined);
    await receiver?.close();
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows a row per sink: the SIEM as an outage while it is down, then caught up with its dead-lettered count', async () => {
    const { token } = await service.tokens.create('viewer', 'read');
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${service.url}/console#token=${token}`);
      await page.locator('#nav').waitFor();
      const entry = page.locator('#nav a[data-page=pipelines]');
      await expect.poll(() => entry.isVisible()).toBe(true);
      await entry.click();

      const summary = page.getByTestId('pipelines').locator('tbody tr');
      await expect.poll(() => summary.count()).toBe(1);
      expect(await summary.first().innerText()).toContain('ksc.events → ecs → file + webhook');

      const rows = page.getByTestId(`pipeline-sinks-${PIPELINE}`).locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
      // Down: the SIEM's row reads as an outage of its writes, behind the archive, which went on.
      await expect
        .poll(async () => (await rows.nth(1).innerText()).replace(/\s+/g, ' '), { timeout: 20_000 })
        .toMatch(
          /^siem webhook: http:\/\/127\.0\.0\.1:\d+\/ingest Outage sink-write failing since .+ \(\d+ retr(y|ies)\) (none yet|0 records, generation \d+) [1-9]\d* 0$/,
        );
      expect((await rows.nth(0).innerText()).replace(/\s+/g, ' ')).toMatch(
        /^archive file: .+\.ndjson (Following|Backfill) [1-9]\d* records, generation \d+ 0 0$/,
      );
      await page.screenshot({ path: path.join(SHOTS, 'pipelines-sink-outage.png'), fullPage: true });

      // Back: the SIEM catches up with the archive (nothing behind) and shows what it dead-lettered.
      siem.down = false;
      await expect
        .poll(async () => (await rows.nth(1).innerText()).replace(/\s+/g, ' '), { timeout: 40_000 })
        .toMatch(/^siem webhook: \S+ Following [1-9]\d* records, generation \d+ 0 3$/);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
