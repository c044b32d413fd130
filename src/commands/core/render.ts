import type { PlainJson, ResultTable } from './types.ts';

/** How a result table is shown: in the console and reports (HTML), in chat and docs (Markdown), in a terminal. */
export type TableFormat = 'html' | 'markdown' | 'text';

function cellText(value: PlainJson): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function markdown(text: string): string {
  // A pipe ends a cell and a newline ends the row; both would break the table.
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Renders seed 001's Result table. Cell values come from the vendor: HTML and Markdown escape them. */
export function renderTable(table: ResultTable, format: TableFormat): string {
  const rows = table.rows.map((row) => table.columns.map((_, i) => cellText(row[i] ?? null)));
  if (format === 'html') {
    const head = table.columns.map((c) => `<th>${html(c)}</th>`).join('');
    const body = rows.map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('');
    return `<table><caption>${html(table.title)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }
  if (format === 'markdown') {
    if (table.columns.length === 0) return `**${markdown(table.title)}**: no data\n`;
    const line = (cells: readonly string[]) => `| ${cells.map(markdown).join(' | ')} |`;
    return [
      `**${markdown(table.title)}**`,
      '',
      line(table.columns),
      `|${table.columns.map(() => '---').join('|')}|`,
      ...rows.map(line),
      '',
    ].join('\n');
  }
  if (table.columns.length === 0) return `${table.title}: no data\n`;
  // Terminal: columns padded to their widest cell, control characters made visible (a vendor string must
  // not move the cursor or recolour the terminal).
  const visible = (text: string) =>
    [...text]
      .map((c) => {
        const code = c.charCodeAt(0);
        return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
      })
      .join('');
  const cells = [table.columns.map(visible), ...rows.map((r) => r.map(visible))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
    '',
  ].join('\n');
}
