/**
 * What the console's Chromium tests share: Debian's Chromium launched off the network, screenshots that are
 * checked for secrets before they are kept, and axe-core's serious and critical findings on a page.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Where screenshots go (kept as CI artefacts). */
export const SHOTS = path.resolve('test-results/console');
const AXE = path.resolve('node_modules/axe-core/axe.min.js');

/** Chromium as the tests run it: root in a container needs --no-sandbox; the rest keeps it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A screenshot of `page` named `name` in {@link SHOTS}, after checking that none of `secrets` is in the page's text
 * or in a field: screenshots are kept as artefacts.
 */
export async function secretFreeShot(
  page: Page,
  name: string,
  secrets: readonly string[],
  options: { readonly fullPage?: boolean } = {},
): Promise<void> {
  const text = await page.locator('body').innerText();
  const fields = await page
    .locator('input, textarea')
    .evaluateAll((nodes) => nodes.map((n) => (n as unknown as { value: string }).value));
  for (const secret of secrets) {
    expect(text, `${name}: page text`).not.toContain(secret);
    for (const value of fields) expect(value, `${name}: a field`).not.toContain(secret);
  }
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

/** What the tests read of an axe result. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * axe-core's serious and critical violations on the page as it is, one line each naming `name` (the page must
 * allow the script: a context with `bypassCSP`).
 */
export async function graveAxeViolations(page: Page, name: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
}
