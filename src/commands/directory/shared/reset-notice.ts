import type { PlainJson } from '../../core/types.ts';
import type { ResetInProgress } from '../../../directory/model/views.ts';
import type { DirectoryQueries } from '../../../directory/queries.ts';
import { plainReset } from './plain.ts';

/**
 * What every directory answer says of open resets (seed 003's reset protocol): while one is open the directory
 * answers from the instance's last complete generation, and a reader must know that the answer may be about to
 * change. `notice` is null when no reset is open.
 */
export interface ResetNotice {
  readonly resets: readonly ResetInProgress[];
  readonly notice: string | null;
  /** For `raw`: the open resets, each with the generation answered from. */
  readonly plain: PlainJson[];
}

export async function resetNotice(directory: DirectoryQueries): Promise<ResetNotice> {
  const resets = await directory.resetsInProgress();
  const notice =
    resets.length === 0
      ? null
      : `A reset is in progress for ${resets
          .map((r) => `tenant ${r.tenantId}, KSC instance ${r.kscInstanceId}`)
          .join('; ')}: this answer comes from the last complete generation`;
  return { resets, notice, plain: resets.map(plainReset) };
}
