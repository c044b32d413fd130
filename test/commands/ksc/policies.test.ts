import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPolicy } from '../../../src/commands/ksc/get-policy.ts';
import { listPolicies } from '../../../src/commands/ksc/list-policies.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Policy = Record<string, unknown>;

describe('list_policies and get_policy', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function policiesOf(nGroupId: number): Promise<Policy[]> {
    const admin = await h.emu.session();
    return (await admin.call('Policy.GetPoliciesForGroup', { nGroupId }))['PxgRetVal'] as Policy[];
  }
  const groupId = (name: string) => h.emu.ksc.world.groupsOf(0).find((g) => g.name === name)!.id;

  it('lists every policy of the server by default, in KSC’s wire shape with typed key fields', async () => {
    const result = await h.run(listPolicies, {});
    expect(result.status).toBe('Successful');
    const expected = await policiesOf(-1);
    expect(expected.length).toBeGreaterThan(4);
    const raw = result.raw as { PxgRetVal: { type: string; value: Policy }[] };
    expect(raw.PxgRetVal).toHaveLength(expected.length);
    expect(raw.PxgRetVal[0]!.type).toBe('params');
    expect(raw.PxgRetVal[0]!.value['KLPOL_CREATED']).toMatchObject({ type: 'datetime' });
    const context = result.context as Policy[];
    expect(context[0]!['KLPOL_CREATED']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(result.keyFields).toEqual({
      PolicyIDs: expected.map((p) => p['KLPOL_ID']),
      PolicyNames: expected.map((p) => p['KLPOL_DN']),
      PolicyProducts: expected.map((p) => p['KLPOL_PRODUCT']),
      PolicyVersions: expected.map((p) => p['KLPOL_VERSION']),
      PolicyGroupIDs: expected.map((p) => p['KLPOL_GROUP_ID']),
      PolicyActive: expected.map((p) => p['KLPOL_ACTIVE']),
      PolicyInherited: expected.map(() => false),
      TotalPolicyCount: expected.length,
    });
    expect(result.result.title).toBe('List Policies');
    expect(result.result.columns).toEqual([
      'Policy ID',
      'Name',
      'Product',
      'Version',
      'Group',
      'Active',
      'Inherited',
    ]);
    expect(result.result.rows[0]).toEqual([
      expected[0]!['KLPOL_ID'],
      expected[0]!['KLPOL_DN'],
      expected[0]!['KLPOL_PRODUCT'],
      expected[0]!['KLPOL_VERSION'],
      expected[0]!['KLPOL_GROUP_NAME'],
      expected[0]!['KLPOL_ACTIVE'],
      false,
    ]);
  });

  it('lists one group’s own and inherited policies, the group named by name; ambiguous names are refused', async () => {
    const id = groupId('Quarantine segment');
    const expected = await policiesOf(id);
    const result = await h.run(listPolicies, { group: 'quarantine segment' });
    expect(result.keyFields['PolicyIDs']).toEqual(expected.map((p) => p['KLPOL_ID']));
    expect(result.keyFields['PolicyInherited']).toEqual(expected.map((p) => p['KLPOL_INHERITED']));
    expect(result.keyFields['PolicyInherited']).toContain(true);
    expect(result.keyFields['PolicyInherited']).toContain(false);
    const byId = await h.run(listPolicies, { group: id });
    expect(byId.keyFields).toEqual(result.keyFields);

    const ambiguous = await h.run(listPolicies, { group: 'Workstations' });
    expect(firstError(ambiguous)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    const unknown = await h.run(listPolicies, { group: 424_242 });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const denied = await h.run(listPolicies, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });

  it('reads one policy by id; unknown ids are 404, bad ids name the field, no rights are 403', async () => {
    const [, second] = await policiesOf(-1);
    const admin = await h.emu.session();
    const expected = (await admin.call('Policy.GetPolicyData', { nPolicy: second!['KLPOL_ID'] as number }))[
      'PxgRetVal'
    ] as Policy;
    const result = await h.run(getPolicy, { policyId: second!['KLPOL_ID'] });
    expect(result.status).toBe('Successful');
    expect((result.raw as { PxgRetVal: Policy }).PxgRetVal['KLPOL_MODIFIED']).toMatchObject({
      type: 'datetime',
    });
    expect((result.context as Policy)['KLPOL_DN']).toBe(expected['KLPOL_DN']);
    expect(result.keyFields).toEqual({
      PolicyID: expected['KLPOL_ID'],
      PolicyName: expected['KLPOL_DN'],
      PolicyProduct: expected['KLPOL_PRODUCT'],
      PolicyVersion: expected['KLPOL_VERSION'],
      PolicyGroupID: expected['KLPOL_GROUP_ID'],
      PolicyGroupName: expected['KLPOL_GROUP_NAME'],
      PolicyActive: expected['KLPOL_ACTIVE'],
    });
    expect(result.result.title).toBe('Get Policy');
    expect(result.result.rows).toHaveLength(1);

    const unknown = await h.run(getPolicy, { policyId: 999_999 });
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'Get Policy failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    const bad = await h.run(getPolicy, { policyId: 'one' });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(policyId\) is invalid/);
    const denied = await h.run(getPolicy, { policyId: 1 }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403 });
  });
});
