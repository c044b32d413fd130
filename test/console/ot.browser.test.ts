/**
 * The console's OT section (KICS for Networks) in a real Chromium against the demo: its KICS emulator over HTTPS
 * with mutual TLS behind the service's `demo-kics` connection, a small world and live events. What the pages show
 * is checked against the emulator's store, and what they change is read back from it. Screenshots go to
 * test-results/console/ot-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/adapters/cli/demo.ts';
import { primaryUserOf } from '../../src/emulator/ksc/world/names.ts';
import type { Device, KicsEvent, Vulnerability } from '../../src/kics/model.ts';
import { launchChromium, secretFreeShot, graveAxeViolations, SHOTS } from './support/browser.ts';

const PASSWORD = 'console-ot-test-password-3391';
/** PCAP files start with this magic, in either byte order (microsecond or nanosecond timestamps). */
const PCAP_MAGICS = ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1'];

describe('the console’s OT section in Chromium', () => {
  let dir: string;
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  /** A screenshot of the page, after checking that no secret is on it: screenshots are kept as artefacts. */
  const shot = (on: Page, name: string) =>
    secretFreeShot(on, name, [demo.token, PASSWORD], { fullPage: true });
  const consoleAt = (hash: string) => page.goto(`${demo.service.url}/console#${hash}`);

  /** Every device of the emulator's world, by id. */
  const devices = async (): Promise<Device[]> => {
    const found: Device[] = [];
    const max = await demo.kics.store.devices.maxId();
    for (let id = 1; id <= max; id++) {
      const device = await demo.kics.store.devices.get(id);
      if (device !== undefined) found.push(device);
    }
    return found;
  };
  const vulnerabilities = async (): Promise<Vulnerability[]> => {
    const found: Vulnerability[] = [];
    const max = await demo.kics.store.vulnerabilities.maxId();
    for (let id = 1; id <= max; id++) {
      const entry = await demo.kics.store.vulnerabilities.get(id);
      if (entry !== undefined) found.push(entry);
    }
    return found;
  };
  const event = async (id: number): Promise<KicsEvent> => (await demo.kics.store.events.get(id))!;
  const columnTexts = (testId: string, column: number) =>
    page.getByTestId(testId).locator(`tbody tr td:nth-child(${column})`).allInnerTexts();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-console-ot-'));
    demo = await startDemo({
      emulator: { dataDir: dir, adminPassword: PASSWORD, port: 0, hosts: 30, events: 100 },
      kics: {
        dataDir: path.join(dir, 'kics'),
        port: 0,
        kscHosts: 30,
        devices: 16,
        events: 40,
        // New events every half second: the live list grows while the test watches.
        liveRate: 2,
        connectorPassword: PASSWORD,
      },
      service: { port: 0 },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Chromium reports a refused script, style, connection or download on the console as an error.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        cspViolations.push(message.text());
      }
    });
    await page.goto(demo.consoleUrl);
    await page.getByTestId('connections').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows both products on the overview: the KICS connection’s health and the devices by status', async () => {
    // The service says each connection's product; readiness checked each with its own type's client.
    const listed = await fetch(`${demo.service.url}/v1/connections`, {
      headers: { Authorization: `Bearer ${demo.token}` },
    });
    const { connections } = (await listed.json()) as {
      connections: Array<{ name: string; type: string; default: boolean; ok: boolean }>;
    };
    expect(connections.map((c) => [c.name, c.type, c.default, c.ok])).toEqual([
      ['demo', 'ksc', true, true],
      ['demo-kics', 'kics', false, true],
    ]);
    // The KSC table keeps the KSC connections; the OT part has its own.
    await expect.poll(() => page.getByTestId('connections').locator('tbody tr').count()).toBe(1);
    const ot = page.getByTestId('ot-connections');
    await ot.waitFor();
    expect(await ot.locator('tbody tr').first().innerText()).toMatch(/demo-kics\s+OK/);
    const world = await devices();
    const numbers = await page
      .getByTestId('ot-status-chart')
      .locator('details table tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    const counted = Object.fromEntries(numbers.map(([label, value]) => [label, Number(value)]));
    expect(counted['Unauthorized'] ?? 0).toBe(world.filter((d) => d.status === 'Unauthorized').length);
    expect(counted['Authorized (recognized)'] ?? 0).toBe(
      world.filter((d) => d.status === 'Recognized').length,
    );
    expect(numbers.reduce((sum, [, value]) => sum + Number(value), 0)).toBe(world.length);
    await page.getByTestId('ot-severity-chart').waitFor();
    // The header's choice is among KSC connections only: the OT pages use the KICS one themselves.
    expect(await page.locator('#connection option').allInnerTexts()).toEqual(['demo']);
    await shot(page, 'ot-overview');
  });

  it('lists the devices in words and filters them by status and category', async () => {
    const world = await devices();
    await page.getByRole('link', { name: 'Devices' }).click();
    await expect.poll(() => columnTexts('ot-devices', 2)).toEqual(world.map((d) => d.name));
    expect(await page.getByTestId('ot-device-count').innerText()).toBe(`1–${world.length} matching devices`);

    const unauthorized = world.filter((d) => d.status === 'Unauthorized');
    expect(unauthorized.length).toBeGreaterThan(0);
    await page.locator('#ot-device-status').selectOption({ label: 'Unauthorized' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => columnTexts('ot-devices', 2)).toEqual(unauthorized.map((d) => d.name));
    expect(new Set(await columnTexts('ot-devices', 3))).toEqual(new Set(['Unauthorized']));
    expect(page.url()).toContain('#/ot/devices?status=Unauthorized');

    const category = world[0]!.category;
    const ofCategory = world.filter((d) => d.category === category);
    await page.locator('#ot-device-status').selectOption('');
    await page.locator('#ot-device-category').selectOption(category);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => columnTexts('ot-devices', 2)).toEqual(ofCategory.map((d) => d.name));
    // The category in words, not its code.
    const shown = await columnTexts('ot-devices', 4);
    expect(shown.length).toBe(ofCategory.length);
    if (category === 'EngineeringStation') expect(shown[0]).toBe('Engineering workstation');

    // A CVE filter: the devices KICS found exposed to it.
    const exposed = world.find((d) => d.vulnerabilities.length > 0);
    if (exposed !== undefined) {
      const cve = exposed.vulnerabilities[0]!.cveId;
      const withCve = world.filter((d) => d.vulnerabilities.some((v) => v.cveId === cve));
      await page.locator('#ot-device-category').selectOption('');
      await page.locator('#ot-device-cve').fill(cve);
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => columnTexts('ot-devices', 2)).toEqual(withCve.map((d) => d.name));
    }
    await consoleAt('/ot/devices');
    await page.getByTestId('ot-devices').waitFor();
    await shot(page, 'ot-devices');
  });

  it('shows a device with its addresses, protocols and vulnerabilities, and changes its status', async () => {
    const world = await devices();
    const withProtocols = [];
    for (const d of world) {
      const protocols = (await demo.kics.store.deviceProtocols(d.id)) ?? [];
      if (protocols.length > 0 && d.addressInformation.some((a) => a.ipAddresses.length > 0))
        withProtocols.push({ device: d, protocols });
    }
    const { device, protocols } = withProtocols[0]!;
    await consoleAt(`/ot/device/${device.id}`);
    const facts = page.getByTestId('ot-device-facts');
    await facts.waitFor();
    expect(await page.locator('h1').innerText()).toBe(device.name);
    const ip = device.addressInformation.flatMap((a) => a.ipAddresses.map((x) => x.ip))[0]!;
    await expect.poll(() => page.getByTestId('ot-addresses').innerText()).toContain(ip);
    const protocolNames = await page
      .getByTestId('ot-protocols')
      .locator('tbody tr td:nth-child(1)')
      .allInnerTexts();
    expect(protocolNames.sort()).toEqual(protocols.map((p) => p.name).sort());
    const vulnerabilityText = await page.getByTestId('ot-device-vulnerabilities').innerText();
    for (const v of device.vulnerabilities) expect(vulnerabilityText).toContain(v.cveId);
    await page.getByTestId('ot-device-events').locator('table, p').first().waitFor();
    await shot(page, 'ot-device');

    const next = device.status === 'Archived' ? 'Recognized' : 'Archived';
    await page.locator('#ot-device-new-status').selectOption(next);
    await page.locator('#ot-set-status').click();
    await expect.poll(() => page.getByTestId('ot-action-log').innerText()).toMatch(/Successful/);
    await expect.poll(async () => (await demo.kics.store.devices.get(device.id))!.status).toBe(next);
    // The page reads the device again and shows the new status.
    await expect.poll(() => facts.innerText()).toContain(next === 'Archived' ? 'Archived' : 'Authorized');
  });

  it('shows a device’s KSC twin (resolve_asset over the demo’s companion connections) with a link to the host', async () => {
    // The KICS world shares machines with the KSC world: a twin keeps the KSC host's display name.
    const hosts = demo.emulator.world.hostsOf(0);
    const byName = new Map(hosts.map((h) => [String(h.attributes['KLHST_WKS_DN']), h]));
    const twin = (await devices()).find((d) => byName.has(d.name));
    expect(twin).toBeDefined();
    const host = byName.get(twin!.name)!;
    await consoleAt(`/ot/device/${twin!.id}`);
    const section = page.getByTestId('ot-twin');
    const hostsTable = page.getByTestId('ot-twin-hosts');
    await hostsTable.waitFor();
    expect(await section.innerText()).toContain('same IP');
    const link = hostsTable.getByRole('link', { name: twin!.name });
    expect(await link.getAttribute('href')).toContain(encodeURIComponent(host.id));
    await shot(page, 'ot-device-twin');
    await link.click();
    await expect.poll(() => page.locator('h1').innerText()).toContain(twin!.name);

    // A device that is no KSC host: the section says so instead of guessing.
    const plc = (await devices()).find((d) => d.category === 'Plc' && !byName.has(d.name))!;
    await consoleAt(`/ot/device/${plc.id}`);
    await expect.poll(() => section.innerText()).toContain('No KSC host is known to be this machine');
  });

  it('shows the user of a device’s KSC twin with the directory identity the emulator published', async () => {
    // The full publication is in the service's directory before the page asks for it.
    await demo.emulator.directory!.idle();
    const hosts = demo.emulator.world.hostsOf(0);
    const byName = new Map(hosts.map((h) => [String(h.attributes['KLHST_WKS_DN']), h]));
    const truth = () => demo.emulator.directory!.truth();
    // A twin whose logged-on domain user the directory has (live changes remove a user now and then).
    const userOf = (hostId: string) => truth().users.find((u) => u.samName === primaryUserOf(hostId));
    const twin = (await devices()).find((d) => byName.has(d.name) && userOf(byName.get(d.name)!.id));
    expect(twin).toBeDefined();
    const host = byName.get(twin!.name)!;
    await consoleAt(`/ot/device/${twin!.id}`);
    const users = page.getByTestId('ot-twin-users');
    await users.locator('table').waitFor();
    expect(await users.getAttribute('data-host-id')).toBe(host.id);
    const user = userOf(host.id)!;
    const row = users.locator('tbody tr').filter({ hasText: user.upn! });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual([`CORP\\${user.samName}`, user.displayName, user.upn, user.mail]);
    // Its groups as the directory names them: every direct one is among them.
    const snapshot = truth();
    const direct = snapshot.memberships
      .filter(([, member]) => member === user.key)
      .map(([group]) => snapshot.groups.find((g) => g.key === group)!.displayName);
    expect(direct.length).toBeGreaterThan(0);
    for (const group of direct) expect(cells[4]).toContain(group);
    // The host's local accounts are listed too, and said to be outside the directory.
    expect(await users.locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await users.innerText()).toContain('not in the directory');
    await shot(page, 'ot-device-twin-users');
  });

  it('lists events live, and edits an event’s status and mark', async () => {
    await consoleAt('/ot/events');
    const table = page.getByTestId('ot-events');
    await table.waitFor();
    const idsShown = async () => (await columnTexts('ot-events', 1)).map(Number);
    await expect.poll(async () => (await idsShown()).length).toBeGreaterThan(0);
    const first = await idsShown();
    // Newest first, and each is an event of the emulator with its title.
    expect(first).toEqual([...first].sort((a, b) => b - a));
    const top = await event(first[0]!);
    expect(await table.locator('tbody tr').first().innerText()).toContain(top.title);
    // New events arrive while the page is open.
    await expect.poll(async () => (await idsShown())[0]!, { timeout: 15_000 }).toBeGreaterThan(first[0]!);
    await shot(page, 'ot-events');

    const id = first[first.length - 1]!;
    await page.locator(`button[data-event-id="${id}"]`).click();
    await page.getByTestId('ot-event-editor').waitFor();
    const wanted = (await event(id)).status === 'Resolved' ? 'Active' : 'Resolved';
    await page.locator('#ot-event-status').selectOption(wanted);
    await page.locator('#ot-event-mark').selectOption('3');
    await page.locator('#ot-event-save').click();
    await expect.poll(() => page.getByTestId('ot-event-log').innerText()).toMatch(/Successful/);
    await expect.poll(async () => [(await event(id)).status, (await event(id)).mark]).toEqual([wanted, 3]);
  });

  it('downloads an event’s traffic as a PCAP', async () => {
    await consoleAt('/ot/events');
    await page.getByTestId('ot-events').waitFor();
    // Only some event types keep traffic (KICS answers 404 for the others): the newest shown that has some.
    let id = 0;
    for (const shown of await columnTexts('ot-events', 1)) {
      if ((await demo.kics.store.trafficOf(Number(shown))) != null) {
        id = Number(shown);
        break;
      }
    }
    expect(id).toBeGreaterThan(0);
    await page.locator(`button[data-event-id="${id}"]`).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#ot-event-traffic').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pcap$/);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const magic = readFileSync(file).subarray(0, 4).toString('hex');
    expect(PCAP_MAGICS).toContain(magic);
    await expect.poll(() => page.getByTestId('ot-event-log').innerText()).toContain('Downloaded');
  });

  it('lists the vulnerabilities and filters them by rating', async () => {
    const entries = await vulnerabilities();
    await consoleAt('/ot/vulnerabilities');
    await expect.poll(() => columnTexts('ot-vulnerabilities', 1)).toEqual(entries.map((v) => v.cveId));
    const high = entries.filter((v) => v.cvsScore >= 7);
    await page.locator('#ot-vulnerability-min').selectOption('7');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => columnTexts('ot-vulnerabilities', 1)).toEqual(high.map((v) => v.cveId));
    await consoleAt('/ot/vulnerabilities');
    await page.getByTestId('ot-vulnerabilities').waitFor();
    await shot(page, 'ot-vulnerabilities');
  });

  it('gives a read-only token no change buttons', async () => {
    const reader = await demo.service.tokens.create('console-ot-reader', 'read');
    const other = await browser.newContext();
    try {
      const readerPage = await other.newPage();
      await readerPage.goto(`${demo.service.url}/console#token=${reader.token}`);
      await readerPage.getByTestId('ot-connections').waitFor();
      const device = (await devices())[0]!;
      await readerPage.goto(`${demo.service.url}/console#/ot/device/${device.id}`);
      await readerPage.getByTestId('ot-device-facts').waitFor();
      await expect
        .poll(() => readerPage.getByTestId('ot-device-actions').innerText())
        .toContain('no respond scope');
      expect(await readerPage.locator('#ot-set-status').count()).toBe(0);
      await readerPage.goto(`${demo.service.url}/console#/ot/events`);
      await readerPage.locator('button[data-event-id]').first().click();
      await expect
        .poll(() => readerPage.getByTestId('ot-event-editor').innerText())
        .toContain('no respond scope');
      expect(await readerPage.locator('#ot-event-save').count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('has no serious or critical accessibility violation on the OT pages (axe-core)', async () => {
    // axe is injected as an inline script, which the console's CSP rightly refuses: a context that bypasses it.
    const axeContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    try {
      const axePage = await axeContext.newPage();
      await axePage.goto(demo.consoleUrl);
      await axePage.getByTestId('ot-status-chart').waitFor();
      const device = (await devices())[0]!;
      const pages: Array<[string, string, string]> = [
        ['overview', '/', '[data-testid=ot-severity-chart]'],
        ['devices', '/ot/devices', '[data-testid=ot-devices]'],
        ['device', `/ot/device/${device.id}`, '[data-testid=ot-device-facts]'],
        ['events', '/ot/events', '[data-testid=ot-events]'],
        ['vulnerabilities', '/ot/vulnerabilities', '[data-testid=ot-vulnerabilities]'],
      ];
      for (const [name, hash, ready] of pages) {
        await axePage.goto(`${demo.service.url}/console#${hash}`);
        await axePage.locator(ready).first().waitFor();
        if (name === 'events') {
          await axePage.locator('button[data-event-id]').first().click();
          await axePage.getByTestId('ot-event-editor').waitFor();
        }
        const grave = await graveAxeViolations(axePage, name);
        expect(grave).toEqual([]);
      }
    } finally {
      await axeContext.close();
    }
  }, 90_000);

  it('ran without a script error or a CSP violation', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
