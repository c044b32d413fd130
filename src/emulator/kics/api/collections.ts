import type { Hono } from 'hono';
import { APPLICATION_MESSAGES, AUDIT_MESSAGES, TAGS, VULNERABILITIES } from '../query/index.ts';
import { registerReadRoutes } from './documents.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';

/** The resources only read through the API: application messages and audit entries (query only), tags and vulnerabilities. */
export function registerCollectionRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const { store } = deps;
  registerReadRoutes(api, deps, {
    path: '/application-messages',
    what: 'Application message',
    table: store.applicationMessages,
    resource: APPLICATION_MESSAGES,
    single: false,
  });
  registerReadRoutes(api, deps, {
    path: '/audit-messages',
    what: 'Audit entry',
    table: store.auditEntries,
    resource: AUDIT_MESSAGES,
    single: false,
  });
  registerReadRoutes(api, deps, {
    path: '/tags',
    what: 'Tag',
    table: store.tags,
    resource: TAGS,
    single: true,
  });
  registerReadRoutes(api, deps, {
    path: '/vulnerabilities',
    what: 'Vulnerability',
    table: store.vulnerabilities,
    resource: VULNERABILITIES,
    single: true,
  });
}
