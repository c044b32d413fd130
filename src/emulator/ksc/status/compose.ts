import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { EVENTS_REASON_BY_BIT, STATUS_LEVEL, type StatusLevel } from './reasons.ts';

/** A reason that holds, with the values of its output parameters. */
export interface ActiveReason {
  readonly bit: number;
  readonly params: KlParams;
}

/**
 * The `KLSTS_Events` container: `KLSTS_Par_Status`, `KLSTS_Par_StatusReasonMask` and the output parameters of
 * each reason that holds (a reason that does not hold adds nothing, as KLAK's sample reads only set bits).
 */
export function composeStatus(active: readonly ActiveReason[]): KlParams {
  let mask = 0;
  let level: StatusLevel = STATUS_LEVEL.OK;
  const out: Record<string, KlValue> = {};
  for (const reason of active) {
    const spec = EVENTS_REASON_BY_BIT.get(reason.bit);
    if (spec === undefined || spec.bit === 0) continue;
    mask |= spec.bit;
    if (spec.level > level) level = spec.level;
    for (const name of Object.keys(spec.params)) {
      const value = reason.params[name];
      if (value !== undefined) out[name] = value;
    }
  }
  return { KLSTS_Par_Status: level, KLSTS_Par_StatusReasonMask: mask, ...out };
}
