import type { WireJson } from '../../../wire/json.ts';

export { plainRecord, toPlain } from '../../../ksc/plain.ts';

/** The records of a wire iterator array (`{"KLCSP_ITERATOR_ARRAY": [{"type": "params", "value": …}]}`). */
export function wireRecords(container: WireJson | undefined, key: string): WireJson[] {
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return [];
  const items = container[key];
  return Array.isArray(items) ? items : [];
}

/** `{"type": "params", "value": {…}}` → `{…}`; anything else as it is. */
export function unwrapParams(item: WireJson): WireJson {
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && item['type'] === 'params') {
    return item['value'] ?? null;
  }
  return item;
}

/** Adds members to a wire params item (D3's enrichments), keeping its wrapper. */
export function enrichWire(item: WireJson, extra: { readonly [key: string]: WireJson }): WireJson {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  if (item['type'] === 'params') {
    const value = item['value'];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { ...item, value: { ...value, ...extra } };
    }
  }
  return { ...item, ...extra };
}
