/**
 * The console against a service whose registry is not the one the console was written for (a command renamed,
 * one left out, one without an input field the console sends), and the command runner's form on a schema with
 * every kind of field. Real Chromium, a real service and KSC emulator, as in console.browser.test.ts.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMANDS, type CommandDefinition } from '../../src/commands/index.ts';
import { startServiceHarness, type ServiceHarness } from '../adapters/http/support.ts';
import { launchChromium, SHOTS } from './support/browser.ts';

/** The registry of a service some releases away from this console. */
function driftedRegistry(): CommandDefinition[] {
  return COMMANDS.filter((command) => command.name !== 'get_server_status').map((command) => {
    if (command.name === 'list_hosts') return { ...command, name: 'list_hosts_v2' };
    if (command.name === 'scan_hosts') {
      const input = command.input as z.ZodObject<z.ZodRawShape>;
      return { ...command, input: input.omit({ scanType: true }) };
    }
    return command;
  });
}

/** A schema with a field of every kind the form draws. */
const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'A name' },
    count: { type: 'integer', minimum: 1, maximum: 10, default: 5 },
    ratio: { type: 'number' },
    mode: { type: 'string', enum: ['fast', 'full'], default: 'fast' },
    notify: { type: 'boolean', default: true },
    dryRun: { type: 'boolean' },
    ids: { type: 'array', items: { type: 'integer' } },
    hosts: { type: 'array', items: { type: 'string' } },
    group: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    condition: { anyOf: [{ type: 'object' }, { type: 'string' }] },
    settings: { type: 'object', properties: { a: { type: 'integer' } } },
  },
  required: ['name'],
};

/** What the tests use of lib/schema-form.js, in the page. */
interface FormModule {
  schemaForm(
    schema: unknown,
    onChange: () => void,
  ):
    | { element: unknown; read(): { value: unknown; problems: string[] }; write(value: unknown): void }
    | undefined;
}
interface PageGlobals {
  formModule: FormModule;
  form: NonNullable<ReturnType<FormModule['schemaForm']>>;
  document: { getElementById(id: string): { replaceChildren(...nodes: unknown[]): void } };
}

describe('the web console and the registry it is served with', () => {
  let h: ServiceHarness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startServiceHarness({ service: { commands: driftedRegistry() } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('names what the service lacks at the top, and again where a page needs it, instead of failing silently', async () => {
    await page.goto(`${h.service.url}/console#token=${h.tokens.respond}`);
    const problems = page.locator('#problems');
    await problems.waitFor();
    const items = await problems.locator('li').allInnerTexts();
    expect(items).toEqual([
      'This service has no command get_server_status, which the console uses for the general status on the overview.',
      'This service has no command list_hosts, which the console uses for the host list.',
      'The command scan_hosts of this service has no input field scanType, which the console sends for starting a scan.',
    ]);
    await expect
      .poll(() => page.getByTestId('server-status').innerText())
      .toContain('This service has no command get_server_status');
    // What the service has still works.
    await expect.poll(() => page.getByTestId('connections').locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-problems.png'), fullPage: true });

    await page.goto(`${h.service.url}/console#/hosts`);
    await expect
      .poll(() => page.getByTestId('hosts-section').innerText())
      .toContain('This service has no command list_hosts, which the console uses for the host list.');

    // A host page shows what it can, and the scan says why it cannot start; isolation is untouched.
    const host = h.emu.ksc.world.hostsOf(0)[0]!;
    await page.goto(`${h.service.url}/console#/host/${encodeURIComponent(host.id)}`);
    await page.getByTestId('host-facts').waitFor();
    await page.locator('#start-scan').click();
    await expect
      .poll(() => page.getByTestId('action-log').innerText())
      .toContain('The command scan_hosts of this service has no input field scanType');

    // The runner offers the commands the service has, by their names there.
    await page.goto(`${h.service.url}/console#/run/list_hosts_v2`);
    expect(await page.locator('#command-name').inputValue()).toBe('list_hosts_v2');
    expect(await page.locator('#command-name option[value=list_hosts]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('draws a field for every kind of property, reads typed values back and keeps what it has no field for', async () => {
    // A page of the console (its CSP and modules), with the form module loaded as the console loads it.
    await page.goto(`${h.service.url}/console#/`);
    await page.evaluate(`import('/console/lib/schema-form.js').then((m) => { globalThis.formModule = m; })`);
    await page.evaluate((schema) => {
      const g = globalThis as unknown as PageGlobals;
      g.form = g.formModule.schemaForm(schema, () => undefined)!;
      g.document.getElementById('main').replaceChildren(g.form.element);
    }, SCHEMA);
    const read = () => page.evaluate(() => (globalThis as unknown as PageGlobals).form.read());
    const field = (name: string) => page.locator(`[data-field=${name}]`);

    expect(
      await page.locator('[data-field]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('class'))),
    ).toEqual([
      'field text',
      'field integer',
      'field number',
      'field choice',
      'field boolean',
      'field boolean',
      'field list',
      'field list',
      'field scalar',
      'field json',
      'field json',
    ]);
    expect(await field('name').locator('.required').count()).toBe(1);
    expect(await field('count').locator('.required').count()).toBe(0);
    expect(await field('name').locator('.hint').innerText()).toBe('A name');
    expect(await field('count').locator('input').getAttribute('max')).toBe('10');
    expect(await field('count').locator('input').getAttribute('placeholder')).toBe('default: 5');
    // Nothing entered: only what differs from the defaults is sent.
    expect(await read()).toEqual({ value: {}, problems: [] });

    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).form.write({
        name: 'x',
        count: 3,
        mode: 'full',
        ids: [1, 2],
        group: 7,
        settings: { a: 1 },
        extra: 'kept',
      }),
    );
    expect(await field('name').locator('input').inputValue()).toBe('x');
    expect(await field('mode').locator('select option:checked').innerText()).toBe('full');
    expect(await field('notify').locator('input').isChecked()).toBe(true);
    expect(await field('ids').locator('textarea').inputValue()).toBe('1\n2');
    expect(await field('settings').locator('textarea').inputValue()).toBe('{"a":1}');
    expect(await read()).toEqual({
      value: { name: 'x', count: 3, mode: 'full', ids: [1, 2], group: 7, settings: { a: 1 }, extra: 'kept' },
      problems: [],
    });

    await field('notify').locator('input').uncheck();
    await field('dryRun').locator('input').check();
    await field('ratio').locator('input').fill('0.5');
    await field('hosts').locator('textarea').fill('a\n\n b \n');
    await field('group').locator('input').fill('Servers');
    await field('condition').locator('textarea').fill('GNRL_EA_SEVERITY=4');
    await field('ids').locator('textarea').fill('3\nfour');
    expect((await read()).value).toMatchObject({
      notify: false,
      dryRun: true,
      ratio: 0.5,
      hosts: ['a', 'b'],
      group: 'Servers',
      condition: 'GNRL_EA_SEVERITY=4',
      // Text where a number belongs goes as text: the service's validation names the field.
      ids: [3, 'four'],
    });
    await field('settings').locator('textarea').fill('{not json');
    expect((await read()).problems).toEqual(['settings: not JSON']);

    // An input that is not an object with properties gets no form: the raw JSON is the way to edit it.
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as PageGlobals).formModule.schemaForm(
            { type: 'string' },
            () => undefined,
          ) === undefined,
      ),
    ).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
