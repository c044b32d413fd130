import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';

/**
 * The license agreements of mobile products the server was given (`UserDevicesApi.SaveEulaAndAccept`), per
 * virtual server in `server_settings` under `mobile-eulas`; a reset of the world forgets them (decisions/0074).
 */

/** A saved agreement. `id` is the integer identifier `GetNotAcceptedEulaIds` answers (1, 2, … in saving order). */
export interface SavedEula {
  readonly id: number;
  readonly uid: Uint8Array;
  readonly productName: string;
  readonly productVersion: string;
  readonly displayName: string;
  readonly displayVersion: string;
  readonly text: string;
  readonly createdAt: Date;
  readonly accepted: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function readEulas(stored: KlParams | undefined): SavedEula[] {
  return ((stored?.['eulas'] as KlParams[] | undefined) ?? []).map((e) => ({
    id: Number(e['id']),
    uid: e['uid'] as Uint8Array,
    productName: String(e['productName']),
    productVersion: String(e['productVersion']),
    displayName: String(e['displayName']),
    displayVersion: String(e['displayVersion']),
    text: String(e['text']),
    createdAt: e['createdAt'] as Date,
    accepted: e['accepted'] === true,
  }));
}

function writeEulas(eulas: readonly SavedEula[]): KlParams {
  return { eulas: eulas.map((e) => ({ ...e })) };
}

export async function savedEulas(ctx: MethodContext): Promise<SavedEula[]> {
  return readEulas(await storedSetting(ctx.world, ctx.vserverId, 'mobile-eulas'));
}

/**
 * Saves an agreement, or replaces the saved one of the same identity (keeping its integer id). Acceptance is not
 * withdrawn by saving the same agreement again without `bAccept`: an accepted agreement stays accepted.
 */
export async function saveEula(ctx: MethodContext, eula: Omit<SavedEula, 'id'>): Promise<void> {
  await updateSetting(ctx.world, ctx.vserverId, 'mobile-eulas', (stored) => {
    const eulas = readEulas(stored);
    const previous = eulas.find((e) => sameBytes(e.uid, eula.uid));
    const saved: SavedEula = {
      ...eula,
      id: previous?.id ?? eulas.reduce((max, e) => Math.max(max, e.id), 0) + 1,
      accepted: eula.accepted || previous?.accepted === true,
    };
    const next = previous === undefined ? [...eulas, saved] : eulas.map((e) => (e === previous ? saved : e));
    return { value: writeEulas(next), result: undefined };
  });
}

/** True when the agreement `uid` was saved and accepted; an agreement never saved is not accepted. */
export function isAccepted(eulas: readonly SavedEula[], uid: Uint8Array): boolean {
  return eulas.some((e) => e.accepted && sameBytes(e.uid, uid));
}
