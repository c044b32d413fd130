import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { kicsSetAllowRuleActive } from '../../../src/commands/kics/set-allow-rule-active.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { AllowRule } from '../../../src/kics/model.ts';
import { expectRefusedBeforeAnyRequest } from './before-any-request.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_set_allow_rule_active', () => {
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

  const activeIds = () => rules.filter((r) => r.isActive).map((r) => r.id);
  const isActive = async (id: number) => (await kics.getAllowRule(id)).isActive;

  it('switches rules off and on again, reads them back and gives their previous states', async () => {
    const [a, b] = activeIds();
    expect(b).toBeDefined();
    const off = await h.run(kicsSetAllowRuleActive, { ruleIds: [a, b, a], isActive: false });
    expect(off.status).toBe('Successful');
    expect(off.keyFields).toEqual({ ChangedRuleIds: [a, b], PreviousStates: [true, true], IsActive: false });
    expect(await isActive(a!)).toBe(false);
    expect(await isActive(b!)).toBe(false);
    const records = off.context as Array<{ id: number; isActive: boolean; wasActive: boolean }>;
    expect(records.map((r) => [r.id, r.isActive, r.wasActive])).toEqual([
      [a, false, true],
      [b, false, true],
    ]);
    // KICS logs each change in its audit log, under the connector's user.
    const audit = await kics.queryAuditMessages({ limit: 1000, sort: [{ column: 'id', order: 'desc' }] });
    const descriptions = audit.values.map((e) => e.description);
    expect(descriptions.some((d) => d.startsWith(`Allowing rule ${a} disabled`))).toBe(true);

    const on = await h.run(kicsSetAllowRuleActive, { ruleIds: [a, b], isActive: true });
    expect(on.keyFields['PreviousStates']).toEqual([false, false]);
    expect(await isActive(a!)).toBe(true);
    expect(await isActive(b!)).toBe(true);
  });

  it('reports a rule that does not exist on its own and still switches the others', async () => {
    const id = activeIds()[2]!;
    const result = await h.run(kicsSetAllowRuleActive, { ruleIds: [987654, id], isActive: false });
    expect(result.status).toBe('Partially Successful');
    expect(result.keyFields['ChangedRuleIds']).toEqual([id]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      failureIndicator: 'KICS Set Allow Rule Active failed.',
      item: '987654',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    expect(await isActive(id)).toBe(false);
    await kics.updateAllowRule(id, { isActive: true });
  });

  it('is refused for a connector whose user is only an Operator, and changes nothing', async () => {
    const id = activeIds()[3]!;
    const ctx = await h.connector('reader', 'operator-user', 'Operator');
    const result = await executeCommand(kicsSetAllowRuleActive, ctx, { ruleIds: [id], isActive: false });
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({ item: String(id), statusCode: 403, code: 'ACCESS_DENIED' });
    expect(await isActive(id)).toBe(true);
  });

  it('acts once per idempotency key', async () => {
    const id = activeIds()[4]!;
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore() };
    const input = { ruleIds: [id], isActive: false, idempotencyKey: 'rule-off-once' };
    const first = await executeCommand(kicsSetAllowRuleActive, ctx, input);
    expect(first.status).toBe('Successful');
    // Someone switches it back on meanwhile: a repeat with the same key must not switch it again.
    await kics.updateAllowRule(id, { isActive: true });
    expect(await executeCommand(kicsSetAllowRuleActive, ctx, input)).toEqual(first);
    expect(await isActive(id)).toBe(true);
    await executeCommand(kicsSetAllowRuleActive, ctx, { ...input, idempotencyKey: 'rule-off-twice' });
    expect(await isActive(id)).toBe(false);
    await kics.updateAllowRule(id, { isActive: true });
  });

  it('fails bad input before any request, naming the field', async () => {
    await expectRefusedBeforeAnyRequest(
      h,
      kicsSetAllowRuleActive,
      [
        [{ ruleIds: [], isActive: true }, 'ruleIds'],
        [{ ruleIds: [0], isActive: true }, 'ruleIds'],
        [{ ruleIds: [1] }, 'isActive'],
        [{ ruleIds: [1], isActive: 'off' }, 'isActive'],
      ],
      { ruleIds: [1], isActive: true },
    );
  });
});
