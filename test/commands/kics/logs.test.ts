import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsListAppMessages } from '../../../src/commands/kics/list-app-messages.ts';
import { kicsListAudit } from '../../../src/commands/kics/list-audit.ts';
import { kicsSetAllowRuleActive } from '../../../src/commands/kics/set-allow-rule-active.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { ApplicationMessage, AuditEntry } from '../../../src/kics/model.ts';
import { expectRefusedBeforeAnyRequest } from './before-any-request.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

/** Everything a query operation holds, read straight through the client, sorted by id. */
async function readAll<T extends { id: number }>(
  read: (query: { offset: number; limit: number }) => Promise<{ values: readonly T[] }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await read({ offset, limit: 1000 });
    all.push(...page.values);
    if (page.values.length < 1000) break;
  }
  return all.sort((a, b) => a.id - b.id);
}

const ids = (list: readonly { id: number }[]) => list.map((e) => e.id);

describe('kics_list_audit and kics_list_app_messages', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let audit: AuditEntry[];
  let messages: ApplicationMessage[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 100, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    audit = await readAll((q) => kics.queryAuditMessages(q));
    messages = await readAll((q) => kics.queryApplicationMessages(q));
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('lists the audit log oldest first, pages it, and newest first on request', async () => {
    expect(audit.length).toBeGreaterThan(10);
    const all = await h.run(kicsListAudit, { limit: 100_000 });
    expect(all.keyFields['AuditEntryIds']).toEqual(ids(audit));
    const page = await h.run(kicsListAudit, { offset: 2, limit: 3 });
    expect(page.keyFields['AuditEntryIds']).toEqual(ids(audit.slice(2, 5)));
    expect(page.keyFields['MoreAvailable']).toBe(true);
    const newest = await h.run(kicsListAudit, { newestFirst: true, limit: 4 });
    expect(newest.keyFields['AuditEntryIds']).toEqual(ids(audit.slice(-4)).reverse());
  });

  it('filters the audit log by user, action, result, node and time', async () => {
    const sample = audit[Math.floor(audit.length / 2)]!;
    const byUser = await h.run(kicsListAudit, { userName: sample.user, limit: 100_000 });
    expect(byUser.keyFields['AuditEntryIds']).toEqual(ids(audit.filter((e) => e.user === sample.user)));
    expect(byUser.keyFields['Users']).toEqual([sample.user]);
    const actions = [...new Set(audit.map((e) => e.action))].slice(0, 2);
    const byAction = await h.run(kicsListAudit, { action: actions, limit: 100_000 });
    expect(byAction.keyFields['AuditEntryIds']).toEqual(ids(audit.filter((e) => actions.includes(e.action))));
    const failed = await h.run(kicsListAudit, { result: 'Failure', node: sample.node, limit: 100_000 });
    expect(failed.keyFields['AuditEntryIds']).toEqual(
      ids(audit.filter((e) => e.result === 'Failure' && e.node === sample.node)),
    );
    const since = audit[5]!.date;
    const until = audit[audit.length - 5]!.date;
    const window = await h.run(kicsListAudit, { since, until, limit: 100_000 });
    expect(window.keyFields['AuditEntryIds']).toEqual(
      ids(
        audit.filter(
          (e) => Date.parse(e.date) >= Date.parse(since) && Date.parse(e.date) < Date.parse(until),
        ),
      ),
    );
  });

  it('shows a change made through the API as the newest audit entry', async () => {
    const rule = (await kics.queryAllowRules({ limit: 1 })).values[0]!;
    const changed = await h.run(kicsSetAllowRuleActive, { ruleIds: [rule.id], isActive: !rule.isActive });
    expect(changed.status).toBe('Successful');
    const newest = await h.run(kicsListAudit, { newestFirst: true, limit: 1 });
    const entry = (newest.context as Array<{ description: string; user: string }>)[0]!;
    expect(entry.description).toContain(`Allowing rule ${rule.id}`);
    await kics.updateAllowRule(rule.id, { isActive: rule.isActive });
  });

  it('lists the application messages, pages them and filters by status, node, process and time', async () => {
    expect(messages.length).toBeGreaterThan(10);
    const all = await h.run(kicsListAppMessages, { limit: 100_000 });
    expect(all.keyFields['MessageIds']).toEqual(ids(messages));
    const page = await h.run(kicsListAppMessages, { offset: messages.length - 2, limit: 5 });
    expect(page.keyFields['MessageIds']).toEqual(ids(messages.slice(-2)));
    expect(page.keyFields['MoreAvailable']).toBe(false);
    const newest = await h.run(kicsListAppMessages, { newestFirst: true, offset: 1, limit: 2 });
    expect(newest.keyFields['MessageIds']).toEqual(ids(messages.slice(-3, -1)).reverse());

    const bad = await h.run(kicsListAppMessages, { status: ['Warning', 'Error'], limit: 100_000 });
    expect(bad.keyFields['MessageIds']).toEqual(
      ids(messages.filter((m) => m.status === 'Warning' || m.status === 'Error')),
    );
    const sample = messages[0]!;
    const byProcess = await h.run(kicsListAppMessages, {
      node: sample.node,
      systemProcess: sample.systemProcess,
      limit: 100_000,
    });
    expect(byProcess.keyFields['MessageIds']).toEqual(
      ids(messages.filter((m) => m.node === sample.node && m.systemProcess === sample.systemProcess)),
    );
    const since = messages[3]!.date;
    const recent = await h.run(kicsListAppMessages, { since, limit: 100_000 });
    expect(recent.keyFields['MessageIds']).toEqual(
      ids(messages.filter((m) => Date.parse(m.date) >= Date.parse(since))),
    );
  });

  it('fails bad input before any request, naming the field', async () => {
    await expectRefusedBeforeAnyRequest(
      h,
      kicsListAudit,
      [
        [{ since: 'yesterday' }, 'since'],
        [{ action: [] }, 'action'],
        [{ userName: '' }, 'userName'],
        [{ newestFirst: 'yes' }, 'newestFirst'],
      ],
      {},
    );
    await expectRefusedBeforeAnyRequest(
      h,
      kicsListAppMessages,
      [
        [{ until: '2026-13-01T00:00:00Z' }, 'until'],
        [{ status: [''] }, 'status'],
        [{ offset: 1.5 }, 'offset'],
      ],
      {},
    );
  });
});
