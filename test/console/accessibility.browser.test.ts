/**
 * The console's overview charts, its field errors, its keyboard use and axe-core's accessibility check of every
 * page, in Debian's Chromium against the demo (as console.browser.test.ts). The charts run under the console's
 * own CSP, and a violation of it fails the test; axe is injected as an inline script, which that CSP rightly
 * refuses, so the axe pages live in a context of their own that bypasses the CSP, and nothing else runs there.
 * Screenshots of the main pages at 1280×800 go to test-results/console/ (docs-*.png, for docs/console.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/adapters/cli/demo.ts';
import { launchChromium, secretFreeShot, graveAxeViolations, SHOTS } from './support/browser.ts';

const PASSWORD = 'console-a11y-password-5126';
const VIEWPORT = { width: 1280, height: 800 };

describe('the console: charts, field errors, keyboard and accessibility', () => {
  let dir: string;
  let demo: RunningDemo;
  let browser: Browser;
  let strict: BrowserContext;
  let axeContext: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  /** A 1280×800 screenshot, after checking that no secret is on the page. */
  const shot = (on: Page, name: string) => secretFreeShot(on, name, [demo.token, PASSWORD]);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-console-a11y-'));
    demo = await startDemo({
      emulator: { dataDir: dir, adminPassword: PASSWORD, port: 0, hosts: 80, events: 600, liveRate: 1 },
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
    strict = await browser.newContext({ viewport: VIEWPORT });
    page = await strict.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Chromium reports a refused script, style or connection on the console as an error.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        cspViolations.push(message.text());
      }
    });
    axeContext = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the overview charts under the CSP, each with its numbers as a table', async () => {
    await page.goto(demo.consoleUrl);
    await page.locator('[data-testid=events-chart] .time-chart[data-drawn=true]').waitFor();
    // uPlot drew its canvas and legend: its module and style came from the service.
    expect(await page.locator('[data-testid=events-chart] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.uplot').count()).toBe(1);

    const hosts = demo.emulator.world.hostsOf(0);
    const numbers = async (testId: string) =>
      page
        .getByTestId(testId)
        .locator('details table tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => {
            const cells = [...row.querySelectorAll('td')].map((td) => td.textContent ?? '');
            return [cells[0]!, Number(cells[1])] as const;
          }),
        );
    const byStatus = await numbers('status-chart');
    expect(byStatus.map(([label]) => label)).toEqual(
      expect.arrayContaining(['OK', 'Warning', 'Critical'].filter((s) => byStatus.some(([l]) => l === s))),
    );
    expect(byStatus.reduce((sum, [, n]) => sum + n, 0)).toBe(hosts.length);
    const critical = hosts.filter((x) => x.attributes['KLHST_WKS_STATUS_ID'] === 1).length;
    expect(byStatus.find(([label]) => label === 'Critical')?.[1] ?? 0).toBe(critical);
    const byProtection = await numbers('rtp-chart');
    expect(byProtection.reduce((sum, [, n]) => sum + n, 0)).toBe(hosts.length);

    // The most infected: at most ten, most threats first, the same counts as the world's hosts.
    const infected = await numbers('infected-chart');
    const counts = hosts
      .map((x) => Number(x.attributes['KLHST_WKS_VIRUS_COUNT'] ?? 0))
      .filter((n) => n > 0)
      .sort((a, b) => b - a)
      .slice(0, 10);
    expect(infected.map(([, n]) => n)).toEqual(counts);
    expect(await page.getByTestId('infected-chart').locator('ul.bars a').count()).toBe(infected.length);

    // Events by day: seven days, the severities as columns, as many events as the route has for these days.
    const events = await page
      .getByTestId('events-chart')
      .locator('details table')
      .evaluate((table) => ({
        headings: [...table.querySelectorAll('th')].map((th) => th.textContent),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].slice(1).map((td) => Number(td.textContent)),
        ),
      }));
    expect(events.headings).toEqual(['Day', 'Critical', 'Error', 'Warning', 'Info']);
    expect(events.rows).toHaveLength(7);
    expect(events.rows.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await page.getByTestId('events-chart').locator('[role=img]').getAttribute('aria-label')).toMatch(
      /^Events per day over the last 7 days by severity: \d+ Critical, \d+ Error, \d+ Warning, \d+ Info\.$/,
    );

    // The connections table: each heading above its own value.
    const connections = page.getByTestId('connections');
    const headings = await connections.locator('th').allInnerTexts();
    const cells = await connections.locator('tbody tr').first().locator('td').allInnerTexts();
    expect(headings).toEqual(['Connection', 'Health', 'Latency (ms)', 'Problem']);
    expect(cells[2]).toMatch(/^\d+$/);
    const [latencyHeading, latencyCell] = await Promise.all([
      connections.locator('th').nth(2).boundingBox(),
      connections.locator('tbody td').nth(2).boundingBox(),
    ]);
    // Right-aligned both: the number ends where its heading ends.
    expect(
      Math.abs(latencyHeading!.x + latencyHeading!.width - (latencyCell!.x + latencyCell!.width)),
    ).toBeLessThan(2);
    // The docs show the charts: the page scrolled to them.
    await page.evaluate(`document.querySelector('[data-testid=hosts-by-status]').scrollIntoView()`);
    await shot(page, 'docs-overview');
    await page.locator('main').screenshot({ path: path.join(SHOTS, 'overview-charts.png') });
    expect(cspViolations).toEqual([]);
  });

  it('shows a refused field next to the field, and marks required ones', async () => {
    await page.goto(`${demo.service.url}/console#/run/list_hosts`);
    await page.getByTestId('command-form').waitFor();
    await page.locator('#command-input').fill('{"limit": 0, "offset": -1}');
    await page.locator('#run-command').click();
    await page.getByTestId('errors').waitFor();
    await expect.poll(() => page.getByTestId('error-limit').innerText()).toMatch(/\S/);
    expect(await page.getByTestId('error-offset').innerText()).toMatch(/\S/);
    expect(await page.getByTestId('error-filter').innerText()).toBe('');
    expect(await page.locator('#field-limit').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-filter').getAttribute('aria-invalid')).toBe('false');
    // The error is read with the field.
    expect(await page.locator('#field-limit').getAttribute('aria-describedby')).toContain(
      'field-limit-error',
    );
    // The whole list stays below.
    expect(await page.getByTestId('errors').innerText()).toContain('limit');
    await shot(page, 'docs-run');

    // A corrected input clears the marks.
    await page.locator('#command-input').fill('{"limit": 2}');
    await page.locator('#run-command').click();
    await expect.poll(() => page.getByTestId('error-limit').innerText()).toBe('');
    expect(await page.locator('#field-limit').getAttribute('aria-invalid')).toBe('false');

    await page.goto(`${demo.service.url}/console#/run/scan_hosts`);
    await page.getByTestId('command-form').waitFor();
    expect(await page.locator('[data-field=hostNames] .required').innerText()).toContain('required');
    expect(await page.locator('#field-hostNames').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#field-wait').getAttribute('aria-required')).toBeNull();
  });

  it('works from the keyboard: Tab reaches the nav and the main actions', async () => {
    await page.goto(`${demo.service.url}/console#/`);
    await page.getByTestId('status-chart').waitFor();
    await page.locator('body').focus();
    /** Tabs until the focused element matches, at most `limit` times; answers what got focus. */
    const tabTo = async (matches: (el: { text: string; id: string; tag: string }) => boolean, limit = 40) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        // A string: this file is type-checked without the DOM's types.
        const focused = (await page.evaluate(`(() => {
          const el = document.activeElement;
          return { text: el?.textContent?.trim() ?? '', id: el?.id ?? '', tag: el?.tagName ?? '' };
        })()`)) as { text: string; id: string; tag: string };
        if (matches(focused)) return focused;
      }
      throw new Error('Tab never reached the element');
    };
    await tabTo((el) => el.tag === 'A' && el.text === 'Hosts');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/#\/hosts$/);
    await page.getByTestId('hosts').waitFor();

    // The search: Tab to the box, type, Enter searches.
    await page.locator('body').focus();
    await tabTo((el) => el.id === 'host-search');
    const target = demo.emulator.world.hostsOf(0)[3]!;
    await page.keyboard.type(String(target.attributes['KLHST_WKS_DN']));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('host-count').textContent()).toBe('1–1 of 1 matching hosts');

    // The runner: Tab to Run, Space runs.
    await page.goto(`${demo.service.url}/console#/run/get_server_status`);
    await page.locator('#run-command').waitFor();
    await page.locator('body').focus();
    await tabTo((el) => el.id === 'run-command', 80);
    // Focus is visible: the focused button has an outline.
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('command-status').innerText()).toMatch(/^Successful/);
  });

  it('has no serious or critical axe violation on any page', async () => {
    const axePage = await axeContext.newPage();
    const pages: Array<[name: string, hash: string, ready: string]> = [
      ['overview', '/', '[data-testid=events-chart] .time-chart[data-drawn=true]'],
      ['hosts', '/hosts', '[data-testid=hosts]'],
      [
        'host',
        `/host/${encodeURIComponent(demo.emulator.world.hostsOf(0)[0]!.id)}`,
        '[data-testid=tasks] table',
      ],
      ['events', '/events', '[data-testid=events] tbody tr'],
      ['audit', '/audit', '[data-testid=audit]'],
      ['run', '/run/list_hosts', '[data-testid=command-form]'],
      ['run-form', '/run/scan_hosts', '[data-testid=command-form]'],
    ];
    const check = async (name: string) => {
      const grave = await graveAxeViolations(axePage, name);
      expect(grave).toEqual([]);
    };

    // The sign-in page first, then the rest signed in by the demo's link.
    await axePage.goto(`${demo.service.url}/console`);
    await axePage.locator('#token').waitFor();
    await check('sign-in');
    await shot(axePage, 'sign-in');
    await axePage.locator('#token').fill(demo.token);
    await axePage.getByRole('button', { name: 'Sign in' }).click();
    await axePage.getByTestId('connections').waitFor();
    for (const [name, hash, ready] of pages) {
      await axePage.goto(`${demo.service.url}/console#${hash}`);
      await axePage.locator(ready).first().waitFor();
      await check(name);
      if (name === 'host') await shot(axePage, 'docs-host');
      if (name === 'run') {
        await axePage.locator('#run-command').click();
        await axePage.getByTestId('command-status').waitFor();
        await check('run with a result');
        await shot(axePage, 'run-result');
      }
    }
  }, 90_000);

  it('ran without a script error or a CSP violation', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
