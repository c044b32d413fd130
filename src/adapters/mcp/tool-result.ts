import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CommandErrorEntry, CommandResult } from '../../commands/index.ts';
import { renderTable } from '../../commands/core/render.ts';

/** JSON as MCP carries it: what `JSON.stringify` writes without loss. */
export type McpJson = null | boolean | number | string | McpJson[] | { [key: string]: McpJson };

/**
 * Key fields larger than this stay out of the text content (they are always in `structuredContent`): a list
 * of 100 000 host ids would otherwise be sent twice and flood a model's context.
 */
export const KEY_FIELDS_TEXT_LIMIT = 8192;

/**
 * A value with every `bigint` (a KSC long beyond 2^53) replaced by its decimal string, since MCP messages are
 * plain JSON and a number would lose digits there. Copies only the objects on the way to a bigint: a large
 * `raw` without one is returned as it is.
 */
export function jsonSafe(value: unknown): McpJson {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value as McpJson;
  if (Array.isArray(value)) {
    let copy: McpJson[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const safe = jsonSafe(item);
      if (safe !== item) {
        copy ??= value.slice() as McpJson[];
        copy[i] = safe;
      }
    }
    return copy ?? (value as McpJson[]);
  }
  let copy: { [key: string]: McpJson } | undefined;
  for (const [key, item] of Object.entries(value)) {
    const safe = jsonSafe(item);
    if (safe !== item) {
      copy ??= { ...(value as { [key: string]: McpJson }) };
      // A member named "__proto__" must stay an own property, as it is in the wire JSON.
      Object.defineProperty(copy, key, { value: safe, enumerable: true, writable: true, configurable: true });
    }
  }
  return copy ?? (value as { [key: string]: McpJson });
}

function errorLine(error: CommandErrorEntry): string {
  const item = error.item === undefined ? '' : `${error.item}: `;
  return `- ${item}${error.message} (${error.statusCode} ${error.code})`;
}

/**
 * The MCP answer of a command: the whole result in `structuredContent` (bigints as strings), and for clients
 * that show only text, a status line, the Markdown result table, the key fields and the errors. A `Failed`
 * result is a tool error (`isError`), so a model sees it failed and can correct its input.
 */
export function toolResult(title: string, result: CommandResult): CallToolResult {
  const safe = jsonSafe(result) as { [key: string]: McpJson };
  const parts: string[] = [];
  if (result.status === 'Failed') {
    parts.push(`${title} failed.`);
    if (result.errors.length > 0) parts.push(result.errors.map(errorLine).join('\n'));
  } else {
    parts.push(`${title}: ${result.status}`, renderTable(result.result, 'markdown').trimEnd());
    if (Object.keys(result.keyFields).length > 0) {
      const keyFields = JSON.stringify(safe['keyFields']);
      parts.push(
        keyFields.length <= KEY_FIELDS_TEXT_LIMIT
          ? `Key fields:\n\`\`\`json\n${keyFields}\n\`\`\``
          : `Key fields: ${Math.ceil(keyFields.length / 1024)} KB, in structuredContent.keyFields`,
      );
    }
    if (result.errors.length > 0) parts.push(`Errors:\n${result.errors.map(errorLine).join('\n')}`);
  }
  return {
    content: [{ type: 'text', text: parts.join('\n\n') }],
    structuredContent: safe,
    ...(result.status === 'Failed' ? { isError: true } : {}),
  };
}
