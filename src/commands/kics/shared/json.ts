import type { PlainJson } from '../../core/types.ts';
import type { WireJson } from '../../../wire/json.ts';

/**
 * A KICS document as `raw`: the client parsed it from JSON (losslessly), so it is wire JSON already; the model's
 * types only say so with readonly arrays, which TypeScript will not widen by itself.
 */
export function wireOf(document: unknown): WireJson {
  return document as WireJson;
}

/**
 * A KICS document as plain JSON for `context`: an integer beyond 2^53 (a `bigint` from the lossless parser)
 * becomes its decimal text, so no digit is lost and the value stays JSON.
 */
export function plainOf(document: unknown): PlainJson {
  if (typeof document === 'bigint') return document.toString();
  if (document === null || document === undefined) return null;
  if (Array.isArray(document)) return document.map(plainOf);
  if (typeof document === 'object') {
    const out: { [key: string]: PlainJson } = {};
    for (const [key, value] of Object.entries(document)) if (value !== undefined) out[key] = plainOf(value);
    return out;
  }
  if (typeof document === 'number' || typeof document === 'string' || typeof document === 'boolean')
    return document;
  return null;
}
