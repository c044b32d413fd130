import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { inputs } from './shared/inputs.ts';
import { ISOLATION_METHODS, isolationKeyFields, runIsolation } from './shared/isolation.ts';
import { waitInputs } from '../core/waiting.ts';

const input = z.object({
  hostIds: inputs
    .hosts()
    .describe(
      'Host IDs: the hosts to reconnect, each by id (KLHST_WKS_HOSTNAME, from List Hosts), display name, ' +
        'FQDN or IPv4 address; a name matching several hosts is refused',
    ),
  ...waitInputs.untilAgentSync(),
  idempotencyKey: inputs.idempotencyKey(),
});

const TITLE = 'Unisolate Hosts';

/** `Unisolate Hosts` (seed 001): writes `Enable: false` into Kaspersky Endpoint Agent's isolation settings. */
export const unisolateHosts: KscCommand<typeof input, typeof isolationKeyFields> = {
  name: 'unisolate_hosts',
  title: TITLE,
  description:
    'Ends the network isolation of hosts (Kaspersky Endpoint Agent), restoring their connectivity. Each host ' +
    'is named by id, name, FQDN or IP; an ambiguous name is refused with the hosts it matched, and a host ' +
    'without Kaspersky Endpoint Agent is an explicit error. The setting is stored at once and the host applies ' +
    'it at its next agent sync; the state says whether the host is still isolated (with wait: after polling). ' +
    'Returns the isolation settings as stored. Harmless on a host that is not isolated.',
  input,
  keyFields: isolationKeyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ_WRITE],
    operations: ISOLATION_METHODS,
  },
  hints: { cliAliases: { hostIds: 'host' }, targetFields: ['hostIds'], waitField: 'waitTimeoutSeconds' },
  example: { hostIds: ['DC01'] },
  run(ctx, { hostIds, wait, waitTimeoutSeconds }) {
    return runIsolation(ctx, TITLE, 'Unisolated Hosts Count', {
      hostIds,
      enable: false,
      wait,
      waitTimeoutSeconds,
    });
  },
};
