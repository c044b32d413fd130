/**
 * docs/mcp.md against the registry: every count of tools it states is the one the server announces, so adding a
 * command without updating the page fails here instead of leaving the page wrong.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/commands/index.ts';

const PAGE = readFileSync(new URL('../../../docs/mcp.md', import.meta.url), 'utf8');
const DESTRUCTIVE = COMMANDS.filter((c) => c.destructive).length;

describe('docs/mcp.md', () => {
  it('states the tool counts the registry gives', () => {
    const stated = [...PAGE.matchAll(/(\d+) (destructive )?(?:tools|commands)\b/g)];
    expect(stated.length).toBeGreaterThan(0);
    for (const [text, count, destructive] of stated) {
      // "N tools" is what the server offers with destructive tools off; "M destructive tools" the others.
      const expected = destructive === undefined ? COMMANDS.length - DESTRUCTIVE : DESTRUCTIVE;
      expect(text).toBe(text.replace(count!, String(expected)));
    }
  });

  it('shows the status lines the server prints', () => {
    const offered = COMMANDS.length - DESTRUCTIVE;
    expect(PAGE).toContain(
      `kconnect MCP server on stdio (${offered} tools; ${DESTRUCTIVE} destructive tools disabled)`,
    );
    expect(PAGE).toContain(
      `(${offered} tools; ${DESTRUCTIVE} destructive tools disabled; bearer token required)`,
    );
  });
});
