/**
 * A committed source cursor in a few words, for `kconnect intake status` and the run board: the cursors are the
 * sources' own JSON (a KSC cursor carries up to thousands of remembered ids), so people get their gist.
 */
import type { PlainJson } from '../../commands/core/types.ts';
import type { SourceType } from '../../intake/types.ts';

export interface PositionSummary {
  /** `event 1234 at 2024-06-24T10:00:00.000Z`, `after id 120`, `generation 3`, `configured start`, … */
  readonly text: string;
  /** The time of the last record delivered, when the cursor tells (ISO 8601). */
  readonly time: string | undefined;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function iso(ms: unknown): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function summarizePosition(type: SourceType, cursor: PlainJson): PositionSummary {
  if (cursor === null) return { text: 'configured start (nothing read yet)', time: undefined };
  if (!isObject(cursor)) return { text: 'unknown', time: undefined };
  switch (type) {
    case 'ksc.events': {
      const at = cursor['at'];
      if (isObject(at)) {
        const time = iso(at['t']);
        return { text: `event ${String(at['id'])} at ${time ?? '?'}`, time };
      }
      const since = iso(cursor['since']);
      return { text: since === undefined ? 'start' : `from ${since}`, time: undefined };
    }
    case 'kics.events': {
      const pass = isObject(cursor['pass']) ? ', updates pass in progress' : '';
      return { text: `after id ${String(cursor['lastId'])}${pass}`, time: iso(cursor['maxSeen']) };
    }
    case 'kics.audit':
    case 'kics.app-messages':
      return { text: `after id ${String(cursor['afterId'])}`, time: undefined };
    case 'ksc.hosts':
    case 'kics.devices': {
      const pass = cursor['pass'];
      if (isObject(pass))
        return {
          text: `delivering generation ${String(pass['generation'])} (up to ${String(pass['upTo'])})`,
          time: undefined,
        };
      if (cursor['initial'] === true && cursor['base'] === 0)
        return { text: 'full snapshot next', time: undefined };
      return { text: `generation ${String(cursor['base'])}`, time: undefined };
    }
    case 'nats':
      return { text: `${String(cursor['stream'])} sequence ${String(cursor['sequence'])}`, time: undefined };
  }
}
