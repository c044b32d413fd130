import { stringifyWireJson, type WireJson } from '../../wire/json.ts';

/**
 * Malformed answers on demand (proof row R22): the control API arms one method so that its next `count` answers
 * are broken in one way, as a buggy server, a corrupting middlebox or a version skew would break them. The call
 * itself runs first (docs/decisions/0068): like a reset after the call, the caller cannot tell whether it took
 * effect, which is what a client must be ready for.
 */

/** How an answer is broken. */
export const MALFORMED_KINDS = ['json', 'types', 'huge-string', 'pxgerror-partial'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface MalformedArming {
  /** `Class.Method` whose answers are broken. */
  readonly method: string;
  readonly kind: MalformedKind;
  /** How many of its next answers. */
  readonly count: number;
  /** Length of the string a `huge-string` answer carries. */
  readonly hugeLength?: number | undefined;
}

/** Default length of a `huge-string` answer's string: 4 MiB, far beyond any real attribute. */
export const DEFAULT_HUGE_LENGTH = 4 * 1024 * 1024;

/** The same JSON value with every scalar and container replaced by one of another type. */
function wrongTypes(value: WireJson): WireJson {
  if (value === null) return 'null';
  if (typeof value === 'string') return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 'not a number';
  if (typeof value === 'boolean') return [value];
  if (Array.isArray(value)) return { items: value.length };
  // A typed value (`{"type":"long","value":"…"}`) keeps its tag and gets a value that does not fit it.
  if (typeof value['type'] === 'string' && 'value' in value) return { type: value['type'], value: [] };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrongTypes(v)]));
}

/** The broken body for an answer whose correct body is `correct` (a JSON object text). */
export function malformedBody(kind: MalformedKind, correct: WireJson, hugeLength: number): string {
  switch (kind) {
    case 'json':
      // Cut in the middle, as a connection closed early or a proxy that truncates bodies leaves it.
      return stringifyWireJson(correct).slice(0, 24) + '{"';
    case 'types':
      return stringifyWireJson(wrongTypes(correct));
    case 'huge-string':
      return stringifyWireJson({ PxgRetVal: 'A'.repeat(hugeLength) });
    case 'pxgerror-partial':
      // Only a code: no message, module, file, line, subcode or locdata.
      return '{"PxgError":{"code":1182}}';
  }
}

/** The armed methods and how many broken answers each has left. */
export class MalformedAnswers {
  private readonly armed = new Map<string, { kind: MalformedKind; left: number; hugeLength: number }>();
  /** Broken answers sent so far, for the control API's state. */
  sent = 0;

  arm(arming: MalformedArming): void {
    this.armed.set(arming.method, {
      kind: arming.kind,
      left: arming.count,
      hugeLength: arming.hugeLength ?? DEFAULT_HUGE_LENGTH,
    });
  }

  clear(): void {
    this.armed.clear();
  }

  current(): MalformedArming[] {
    return [...this.armed].map(([method, a]) => ({
      method,
      kind: a.kind,
      count: a.left,
      hugeLength: a.hugeLength,
    }));
  }

  /** Takes one broken answer of `method` when one is armed: how to break it. */
  take(method: string): { kind: MalformedKind; hugeLength: number } | undefined {
    const armed = this.armed.get(method);
    if (armed === undefined) return undefined;
    armed.left--;
    if (armed.left <= 0) this.armed.delete(method);
    this.sent++;
    return { kind: armed.kind, hugeLength: armed.hugeLength };
  }
}
