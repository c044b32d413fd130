import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { kicsDeleteAllowRule } from '../../../src/commands/kics/delete-allow-rule.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { AllowRule } from '../../../src/kics/model.ts';
import { expectRefusedBeforeAnyRequest } from './before-any-request.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_delete_allow_rule', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let rules: AllowRule[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 300, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    rules = [...(await kics.queryAllowRules({ limit: 1000 })).values].sort((a, b) => a.id - b.id);
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  let next = 0;
  const take = (): AllowRule => rules[next++]!;

  async function exists(id: number): Promise<boolean> {
    try {
      await kics.getAllowRule(id);
      return true;
    } catch {
      return false;
    }
  }

  it('removes rules, keeps what they were, and reports a missing one on its own', async () => {
    const a = take();
    const b = take();
    const result = await h.run(kicsDeleteAllowRule, { ruleIds: [a.id, 987654, b.id, a.id] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toEqual([
      expect.objectContaining({
        failureIndicator: 'KICS Delete Allow Rule failed.',
        statusCode: 404,
        code: 'NOT_FOUND',
        item: '987654',
      }),
    ]);
    expect(result.keyFields).toEqual({
      DeletedRuleIds: [a.id, b.id],
      WereActive: [a.isActive, b.isActive],
      DeletedRulesCount: 2,
    });
    expect(await exists(a.id)).toBe(false);
    expect(await exists(b.id)).toBe(false);
    const { values } = await kics.queryAllowRules({ limit: 1000 });
    expect(values.map((r) => r.id)).not.toContain(a.id);
    const context = result.context as { rules: Array<{ id: number; side1: unknown; protocols: string }> };
    expect(context.rules[0]).toMatchObject({ id: a.id, side1: a.side1, protocols: a.protocols });
    // KICS logs the removal in its audit log.
    const audit = await kics.queryAuditMessages({ limit: 1000, sort: [{ column: 'id', order: 'desc' }] });
    expect(audit.values.some((e) => e.description.startsWith(`Allowing rule ${a.id} removed`))).toBe(true);

    const again = await h.run(kicsDeleteAllowRule, { ruleIds: [a.id] });
    expect(again.status).toBe('Failed');
    expect(again.errors[0]).toMatchObject({ statusCode: 404, item: String(a.id) });
  });

  it('acts once per idempotency key: a retry returns the first result instead of a 404', async () => {
    const target = take();
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore() };
    const input = { ruleIds: [target.id], idempotencyKey: 'rule-gone-4711' };
    const first = await executeCommand(kicsDeleteAllowRule, ctx, input);
    expect(first.status).toBe('Successful');
    expect(await executeCommand(kicsDeleteAllowRule, ctx, input)).toEqual(first);
  });

  it('is refused for a connector whose user is only an Operator, and removes nothing', async () => {
    const target = take();
    const operator = await h.connector('rule-reader', 'rule-operator', 'Operator');
    const denied = await executeCommand(kicsDeleteAllowRule, operator, { ruleIds: [target.id] });
    expect(denied.status).toBe('Failed');
    expect(denied.errors[0]).toMatchObject({
      statusCode: 403,
      code: 'ACCESS_DENIED',
      item: String(target.id),
    });
    expect(await exists(target.id)).toBe(true);
  });

  it('fails bad input before any request, naming the field', async () => {
    await expectRefusedBeforeAnyRequest(
      h,
      kicsDeleteAllowRule,
      [
        [{ ruleIds: [] }, 'ruleIds'],
        [{ ruleIds: [0] }, 'ruleIds'],
        [{ ruleIds: ['rule-1'] }, 'ruleIds.0'],
        [{ ruleIds: [1], idempotencyKey: '' }, 'idempotencyKey'],
      ],
      { ruleIds: [1] },
    );
  });
});
