import type { Context } from 'hono';
import { principalOf } from '../auth/bearer.ts';
import type { KicsStore } from '../store/kics-store.ts';
import type { KicsEnv } from './env.ts';

/**
 * Writes the audit entry of a change made through the API, as KICS logs its users' actions (issue 16: one for
 * every call that changes something). The entry names the application user behind the connector.
 */
export async function auditChange(
  c: Context<KicsEnv>,
  store: KicsStore,
  action: string,
  description: string,
  result: 'Success' | 'Failure' = 'Success',
): Promise<void> {
  const principal = principalOf(c);
  await store.audit({
    user: principal.user,
    action,
    result,
    description: `${description} (connector ${principal.connectorName})`,
  });
}
