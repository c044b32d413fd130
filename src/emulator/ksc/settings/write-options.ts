import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { faults } from '../faults.ts';

/**
 * `SS_Write`'s `nOption` (go-ksc's HostGroup documentation): 1 update existing variables (a missing one is an
 * error), 2 add new ones (an existing one is an error), 3 replace (add or update), 4 delete the named variables,
 * 7 clear (the section becomes `pSettings`).
 */
export const WRITE_OPTION = Object.freeze({ UPDATE: 1, ADD: 2, REPLACE: 3, DELETE: 4, CLEAR: 7 });

/** The section's content after a write; throws the KSC fault a real storage gives. */
export function applyWrite(current: KlParams, option: number, settings: KlParams): KlParams {
  const next: Record<string, KlValue> = { ...current };
  switch (option) {
    case WRITE_OPTION.UPDATE:
      for (const [key, value] of Object.entries(settings)) {
        if (!(key in current)) throw faults.missingSetting(key);
        next[key] = value;
      }
      return next;
    case WRITE_OPTION.ADD:
      for (const [key, value] of Object.entries(settings)) {
        if (key in current) throw faults.notPermitted(`Parameter with name "${key}" already exists`);
        next[key] = value;
      }
      return next;
    case WRITE_OPTION.REPLACE:
      return { ...current, ...settings };
    case WRITE_OPTION.DELETE:
      for (const key of Object.keys(settings)) {
        if (!(key in current)) throw faults.missingSetting(key);
        delete next[key];
      }
      return next;
    case WRITE_OPTION.CLEAR:
      return { ...settings };
    default:
      throw faults.badParameter('nOption');
  }
}
