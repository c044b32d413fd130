import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from './model.ts';
import { SECURITY_APPLICATION_CODES } from './products.ts';
import { hostFactsFromAttributes } from './status.ts';

/** PRCI component instance states `KLHST_APP_STATE` takes (reference, "Information about KL products"). */
export const APP_STATE = Object.freeze({ INACTIVE: 0, RUNNING: 3 });

/**
 * `KLHST_APP_INFO` of a host: product → version key → `{KLHST_APP_STATE, KLHST_APP_STATE_TIME}`, derived from
 * the host's status so that it never contradicts it: the agent runs while the host reports it alive, a security
 * application while the status has no "not running" reason, and any other product runs with the agent that
 * hosts it. The state changed when the system last started (running) or when the host was last seen (stopped).
 */
export function appInfoOf(host: HostRecord, now: number): KlParams {
  const facts = hostFactsFromAttributes(host.attributes, now);
  const started = host.attributes['KLHST_WKS_LAST_SYSTEM_START'];
  const lastSeen = host.attributes['KLHST_WKS_LAST_VISIBLE'];
  const out: Record<string, Record<string, KlParams>> = {};
  for (const product of host.products) {
    const running = SECURITY_APPLICATION_CODES.has(product.name) ? facts.avRunning : facts.agentAlive;
    const time =
      running && started instanceof Date ? started : lastSeen instanceof Date ? lastSeen : new Date(now);
    (out[product.name] ??= {})[product.version] = {
      KLHST_APP_STATE: running ? APP_STATE.RUNNING : APP_STATE.INACTIVE,
      KLHST_APP_STATE_TIME: time,
    };
  }
  return out;
}
