import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/commands/core/render.ts';
import type { ResultTable } from '../../src/commands/core/types.ts';

const table: ResultTable = {
  title: 'List Hosts',
  columns: ['Hosts Count', 'Note'],
  rows: [[2, 'a | b <script>alert(1)</script>\nnext']],
};

describe('renderTable', () => {
  it('renders HTML with every vendor string escaped', () => {
    const out = renderTable(table, 'html');
    expect(out).toBe(
      '<table><caption>List Hosts</caption><thead><tr><th>Hosts Count</th><th>Note</th></tr></thead>' +
        '<tbody><tr><td>2</td><td>a | b &lt;script&gt;alert(1)&lt;/script&gt;\nnext</td></tr></tbody></table>',
    );
  });

  it('renders Markdown whose cells cannot break the table', () => {
    expect(renderTable(table, 'markdown')).toBe(
      '**List Hosts**\n\n| Hosts Count | Note |\n|---|---|\n| 2 | a \\| b <script>alert(1)</script><br>next |\n',
    );
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (cells) => {
        const md = renderTable(
          { title: 't', columns: cells.map((_, i) => `c${i}`), rows: [cells] },
          'markdown',
        );
        const lines = md.trimEnd().split('\n');
        expect(lines).toHaveLength(5);
        // Read the row back as a Markdown parser would: the cells come back as given (newlines as <br>).
        expect(parseRow(lines[4]!)).toEqual(cells.map((c) => c.replace(/\r?\n/g, '<br>')));
      }),
    );
  });

  it('renders aligned terminal text, with control characters made visible', () => {
    const out = renderTable(
      { title: 'T', columns: ['a', 'long column'], rows: [['x\u001b[31m', 1]] },
      'text',
    );
    expect(out).toBe('T\na          long column\n---------  -----------\nx\\x1b[31m  1\n');
    expect(renderTable({ title: 'Empty', columns: [], rows: [] }, 'text')).toBe('Empty: no data\n');
  });
});

/** Splits a Markdown table row on its unescaped pipes and undoes the backslash escapes. */
function parseRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (c === '|') {
      cells.push(current.slice(1, -1));
      current = '';
    } else {
      current += c;
    }
  }
  return cells;
}
