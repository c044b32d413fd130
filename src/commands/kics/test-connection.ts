import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import type { About, ConnectorConfiguration, License } from '../../kics/model.ts';
import { errorEntry } from '../core/result.ts';
import type { CommandDefinition, CommandErrorEntry, PlainJson } from '../core/types.ts';
import { plainOf, wireOf } from './shared/json.ts';
import {
  isKicsCommand,
  leastRole,
  READ_ONLY,
  READER_ROLES,
  type KicsCommand,
  type KicsContext,
} from './shared/vendor.ts';

const TITLE = 'KICS Test Connection';

type Outcome = 'ok' | 'denied' | 'failed';

interface Probe {
  readonly operation: string;
  readonly outcome: Outcome;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Runs one read; an access denial or other failure is recorded, not thrown, so the report covers every check. A
 * failed login (no token) is thrown: nothing else can be checked without one.
 */
async function probe<T>(probes: Probe[], operation: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    const answer = await read();
    probes.push({ operation, outcome: 'ok' });
    return answer;
  } catch (error) {
    if (!(error instanceof KconnectError)) throw error;
    if (error.code === 'UNAUTHENTICATED' || error.code === 'CANCELLED') throw error;
    probes.push({
      operation,
      outcome: error.code === 'ACCESS_DENIED' ? 'denied' : 'failed',
      error: { code: error.code, message: error.message },
    });
    return undefined;
  }
}

type CommandVerdict = 'allowed' | 'denied' | 'not verified';

/** The commands of the registry (read at run time: the registry lists this command too). */
async function kicsCommands(): Promise<readonly CommandDefinition[]> {
  const { KICS_COMMANDS } = await import('./index.ts');
  return KICS_COMMANDS;
}

const input = z.object({});

const keyFields = z.object({
  Connected: z.boolean(),
  ServerVersion: z.string(),
  LicenseStatus: z.string(),
  DaysTillLicenseExpire: z.number().int().nullable(),
  /** `Operator` when the reads worked (the account reads; whether it may change is not checked). */
  ConfirmedRole: z.enum(['Operator', 'none']),
  AllowedCommands: z.array(z.string()),
  DeniedCommands: z.array(z.string()),
  UnverifiedCommands: z.array(z.string()),
});

async function readProbes(ctx: KicsContext) {
  const probes: Probe[] = [];
  // The first call obtains the token with the connector's certificate: a refusal is an AuthenticationError.
  const about: About | undefined = await probe(probes, 'Getting product information', () => ctx.kics.about());
  const license: License | undefined = await probe(
    probes,
    'Getting information about the added license key',
    () => ctx.kics.license(),
  );
  const configuration: ConnectorConfiguration | undefined = await probe(
    probes,
    'Returning information about the current connector',
    () => ctx.kics.configuration(),
  );
  return { probes, about, license, configuration };
}

/**
 * `kics_test_connection`: gets a token with the connector's certificate, reads the server, its license and the
 * connector's configuration, and tells which KICS commands the connector's role allows.
 */
export const kicsTestConnection: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_test_connection',
  title: TITLE,
  description:
    'Checks a KICS for Networks connection: gets a token with the connector’s certificate (mutual TLS), ' +
    'reads the product information, the license state and the connector’s own configuration (the event ' +
    'types it forwards, whether it forwards application and audit messages), and tells for every KICS ' +
    'command whether the role of the connector’s user account allows it: reads need the Operator role, ' +
    'changes the Administrator role. The reads prove the Operator role; whether the account may also change ' +
    'things cannot be checked without changing something, so those commands are "not verified". Fails (401) ' +
    'when no token is issued (wrong certificate, blocked or deleted user) and (403) when the reads are denied. ' +
    'Reads only; changes nothing.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: {
    roles: READER_ROLES,
    operations: [
      'Getting product information',
      'Getting information about the added license key',
      'Returning information about the current connector',
    ],
  },
  example: {},
  async run(ctx) {
    const { probes, about, license, configuration } = await readProbes(ctx);
    const readsWork = probes.every((p) => p.outcome === 'ok');
    const readsDenied = probes.some((p) => p.outcome === 'denied');

    const commands = (await kicsCommands()).filter(isKicsCommand).map((command) => {
      const role = leastRole(command.api);
      let verdict: CommandVerdict;
      let details: string;
      if (role === 'Operator' && readsWork) {
        verdict = 'allowed';
        details = 'needs the Operator role, which the reads confirmed';
      } else if (readsDenied) {
        verdict = 'denied';
        details = `needs the ${role} role; KICS denied the reads`;
      } else if (role === 'Operator') {
        verdict = 'not verified';
        details = 'needs the Operator role; a read failed for another reason';
      } else {
        verdict = 'not verified';
        details = 'needs the Administrator role, which cannot be checked without changing something';
      }
      return { command: command.title, name: command.name, role, verdict, details };
    });

    const errors: CommandErrorEntry[] = [];
    if (readsDenied) {
      errors.push(
        errorEntry(
          TITLE,
          new KconnectError(
            'ACCESS_DENIED',
            'KICS issued a token but denied reads: the role of the connector’s user account does not allow ' +
              'them. Give the account the Operator role (reads) or the Administrator role (changes too).',
          ),
        ),
      );
    }
    for (const p of probes.filter((x) => x.outcome === 'failed')) {
      errors.push(
        errorEntry(TITLE, new KconnectError('UPSTREAM_ERROR', `${p.operation}: ${p.error?.message ?? ''}`)),
      );
    }
    const titles = (verdict: CommandVerdict) =>
      commands.filter((c) => c.verdict === verdict).map((c) => c.name);
    const version = about?.version ?? '';
    const licenseText =
      license === undefined
        ? 'not read'
        : `${license.licenseStatus}, expires ${license.licenseExpirationDate} (${license.daysTillLicenseExpire} days)`;
    const probeView = (p: Probe): PlainJson => ({
      operation: p.operation,
      outcome: p.outcome,
      ...(p.error === undefined ? {} : { error: { ...p.error } }),
    });

    return {
      status: errors.length === 0 ? 'Successful' : 'Failed',
      raw: wireOf({
        about: about ?? null,
        license: license ?? null,
        configuration: configuration ?? null,
      }),
      context: {
        connected: true,
        token: 'issued',
        about: plainOf(about ?? null),
        license: plainOf(license ?? null),
        configuration: plainOf(configuration ?? null),
        role: {
          confirmed: readsWork ? 'Operator' : null,
          details: readsWork
            ? 'the reads worked: the account has the Operator role or higher; changes are not checked'
            : 'the reads did not all work',
        },
        commands: commands.map((c) => ({ ...c })),
        probes: probes.map(probeView),
      },
      keyFields: {
        Connected: true,
        ServerVersion: version,
        LicenseStatus: license?.licenseStatus ?? '',
        DaysTillLicenseExpire: license?.daysTillLicenseExpire ?? null,
        ConfirmedRole: readsWork ? 'Operator' : 'none',
        AllowedCommands: titles('allowed'),
        DeniedCommands: titles('denied'),
        UnverifiedCommands: titles('not verified'),
      },
      result: {
        title: TITLE,
        columns: ['Check', 'Outcome', 'Details'],
        rows: [
          ['Token', 'ok', version === '' ? 'issued' : `issued by KICS for Networks ${version}`],
          ...probes.map((p) => [p.operation, p.outcome, p.error?.message ?? '']),
          ['License', license?.licenseStatus ?? 'not read', licenseText],
          [
            'Connector',
            configuration === undefined ? 'not read' : 'ok',
            configuration === undefined
              ? ''
              : `forwards ${configuration.eventTypesToSend.length} event type(s); application messages ` +
                `${configuration.forwardAppMessages ? 'yes' : 'no'}, audit ${configuration.forwardAuditMessages ? 'yes' : 'no'}`,
          ],
          ['Role', readsWork ? 'Operator' : 'not confirmed', 'the least role the reads prove'],
          ...commands.map((c) => [`Command: ${c.name}`, c.verdict, c.details]),
        ],
      },
      errors,
    };
  },
};
