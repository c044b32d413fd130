// @ts-check
// The overview: the connections with their health, and the general status of the chosen Administration Server.

import { read } from '../lib/api.js';
import { firstError, runCommand } from '../lib/commands.js';
import { badge, failure, h, muted, table } from '../lib/dom.js';
import { session } from '../lib/session.js';
import { USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */
/** @import { Connection } from '../lib/session.js' */

/**
 * @typedef {object} ServerStatusKeys
 * @property {string} Status
 * @property {string[]} Reasons
 */

export function overviewPage() {
  show(
    h('h1', { text: 'Overview' }),
    lazySection(
      'Connections',
      async () => {
        /** @type {{ connections: Connection[] }} */
        const body = await read('/v1/connections');
        session.connections = body.connections;
        return table(
          body.connections,
          [
            ['Connection', (c) => (c.default ? `${c.name} (default)` : c.name)],
            ['Health', (c) => (c.ok ? badge('OK', 'ok') : badge('Not answering', 'bad'))],
            ['Latency (ms)', (c) => c.durationMs, 'num'],
            ['Problem', (c) => c.error ?? ''],
          ],
          { testId: 'connections' },
        );
      },
      'connections-section',
    ),
    lazySection(
      `General status of the Administration Server (${session.connection})`,
      async () => {
        /** @type {CommandResult<unknown, ServerStatusKeys>} */
        const result = await runCommand(USES.serverStatus, {});
        if (result.status === 'Failed') return failure(firstError(result));
        const keys = result.keyFields;
        return [
          h('p', {}, 'Status: ', badge(keys.Status)),
          keys.Reasons.length === 0
            ? muted('No reasons: nothing needs attention.')
            : h(
                'ul',
                { 'data-testid': 'status-reasons' },
                keys.Reasons.map((reason) => h('li', { text: reason })),
              ),
        ];
      },
      'server-status',
    ),
  );
}
