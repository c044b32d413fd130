import type { KscContext } from './vendor.ts';
import { KconnectError } from '../../../errors.ts';
import { NotFoundError } from '../../../ksc/client/errors.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { describeHost, hostOf } from './hosts.ts';

/** Where in a host's settings storage a section is (the arguments of `HostGroup.SS_Read` but the host). */
export interface SettingsSection {
  readonly strType: string;
  readonly strProduct: string;
  readonly strVersion: string;
  readonly strSection: string;
}

/**
 * Reads a section of the settings storage of a host found by a lookup. KSC answers a section the host does not
 * have with a bare not-found (`Parameter with name "KES" not exist`): `missing` says what that means for the
 * command, given the host's names and KSC's error.
 */
export async function readHostSection(
  ctx: KscContext,
  record: KlParams,
  section: SettingsSection,
  missing: (host: string, error: NotFoundError) => string,
) {
  try {
    return await ctx.ksc.callWire('HostGroup.SS_Read', {
      strHostName: String(record['KLHST_WKS_HOSTNAME'] ?? ''),
      ...section,
    });
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new KconnectError('NOT_FOUND', missing(describeHost(hostOf(record)), error), { cause: error });
    }
    throw error;
  }
}
