import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { inputs } from './shared/inputs.ts';
import { waitInputs } from '../core/waiting.ts';
import { ISOLATION_METHODS, isolationKeyFields, runIsolation } from './shared/isolation.ts';

const input = z.object({
  hostIds: inputs
    .hosts()
    .describe(
      'Host IDs: the hosts to isolate, each by id (KLHST_WKS_HOSTNAME, from List Hosts), display name, FQDN ' +
        'or IPv4 address; a name matching several hosts is refused',
    ),
  isolationTimeout: z
    .number()
    .int()
    .min(1)
    .max(43_200)
    .optional()
    .describe(
      'Isolation Timeout: minutes after which isolation ends by itself (1–43200), e.g. 60; when omitted, ' +
        'the host’s current setting stays (Kaspersky Endpoint Agent’s default is 30 minutes)',
    ),
  ...waitInputs.untilAgentSync(),
  idempotencyKey: inputs.idempotencyKey(),
});

const TITLE = 'Isolate Hosts';

/**
 * `Isolate Hosts` (seed 001): Kaspersky Endpoint Agent's network isolation, written into each host's settings
 * with `HostGroup.SS_Write` and read back with `SS_Read` (decision 0009).
 */
export const isolateHosts: KscCommand<typeof input, typeof isolationKeyFields> = {
  name: 'isolate_hosts',
  title: TITLE,
  description:
    'Cuts hosts off the network (Kaspersky Endpoint Agent network isolation; the agent keeps its own ' +
    'connection to the Administration Server and the configured exclusions). Each host is named by id, name, ' +
    'FQDN or IP; an ambiguous name is refused with the hosts it matched, and a host without Kaspersky ' +
    'Endpoint Agent is an explicit error. The setting is stored at once and the host applies it at its next ' +
    'agent sync; the state says whether isolation is already in force (with wait: after polling). Isolation ' +
    'ends by itself after Isolation Timeout minutes. Returns the isolation settings as stored. Use Unisolate ' +
    'Hosts to end it earlier. Side effect: the hosts lose network access.',
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
  hints: {
    cliAliases: { hostIds: 'host', isolationTimeout: 'timeout' },
    targetFields: ['hostIds'],
    waitField: 'waitTimeoutSeconds',
  },
  example: { hostIds: ['DC01'], isolationTimeout: 60 },
  run(ctx, { hostIds, isolationTimeout, wait, waitTimeoutSeconds }) {
    return runIsolation(ctx, TITLE, 'Isolated Hosts Count', {
      hostIds,
      enable: true,
      timeoutMinutes: isolationTimeout,
      wait,
      waitTimeoutSeconds,
    });
  },
};
