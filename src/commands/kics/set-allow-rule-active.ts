import { z } from 'zod';
import type { AllowRule } from '../../kics/model.ts';
import { errorEntry, statusOf, yesNo } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { allowRuleRecord, sideText } from './shared/allow-rules.ts';
import { wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';

const TITLE = 'KICS Set Allow Rule Active';

const input = z.object({
  ruleIds: z
    .array(z.number().int().min(1))
    .min(1)
    .max(1000)
    .describe('The allowing rules to switch, each by id (from List Allow Rules)'),
  isActive: z.boolean().describe('true switches the rules on, false switches them off'),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Retry safety: a repeat with the same key within a day returns the first result'),
});

const keyFields = z.object({
  ChangedRuleIds: z.array(z.number().int()),
  /** Whether each changed rule was on before, in the order of ChangedRuleIds: what a rollback sets again. */
  PreviousStates: z.array(z.boolean()),
  IsActive: z.boolean(),
});

interface Switched {
  readonly before: AllowRule;
  readonly after: AllowRule;
}

/** Reads the rule, switches it and reads it back, so the result shows the state KICS holds, not the one asked. */
async function switchRule(ctx: KicsContext, id: number, isActive: boolean): Promise<Switched> {
  const before = await ctx.kics.getAllowRule(id);
  await ctx.kics.updateAllowRule(id, { isActive });
  const after = await ctx.kics.getAllowRule(id);
  return { before, after };
}

/** `kics_set_allow_rule_active`: switches allowing rules on or off, one by one. */
export const kicsSetAllowRuleActive: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_set_allow_rule_active',
  title: TITLE,
  description:
    'Switches allowing rules of KICS for Networks on or off. A rule that is off no longer allows its traffic ' +
    'or commands, so KICS raises events for them again; switching a rule on silences the events it covers ' +
    '(e.g. after a maintenance window, or to allow a vendor’s remote access for a while). Each rule is ' +
    'switched and read back on its own: rules that do not exist or cannot be changed are reported one by one ' +
    'and the others are still switched (Partially Successful). Returns each rule’s previous state so a ' +
    'playbook can set it back. Needs a connector whose user has the Administrator role. Pass ' +
    '`idempotencyKey` to make retries safe.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'kics',
  api: {
    roles: CHANGER_ROLES,
    operations: ['Querying a single allowing rule', 'Editing an existing allowing rule'],
  },
  hints: { cliAliases: { ruleIds: 'rule' }, targetFields: ['ruleIds'] },
  // Switching rule 1 on: what an active rule already is, so running the example changes nothing that matters.
  example: { ruleIds: [1], isActive: true },
  async run(ctx, { ruleIds, isActive }) {
    const errors: CommandErrorEntry[] = [];
    const switched: Switched[] = [];
    for (const id of new Set(ruleIds)) {
      try {
        switched.push(await switchRule(ctx, id, isActive));
      } catch (error) {
        errors.push(errorEntry(TITLE, error, String(id)));
      }
    }
    const context = switched.map(({ before, after }) => ({
      ...allowRuleRecord(after),
      wasActive: before.isActive,
    }));
    const rows: PlainJson[][] = switched.map(({ before, after }) => [
      after.id,
      yesNo(before.isActive),
      yesNo(after.isActive),
      after.protocols,
      `${sideText(after.side1)} ↔ ${sideText(after.side2)}`,
    ]);
    return {
      status: statusOf(switched.length, errors.length),
      raw: wireOf(switched.map((s) => s.after)),
      context,
      keyFields: {
        ChangedRuleIds: switched.map((s) => s.after.id),
        PreviousStates: switched.map((s) => s.before.isActive),
        IsActive: isActive,
      },
      result: { title: TITLE, columns: ['Rule ID', 'Was Active', 'Active', 'Protocols', 'Sides'], rows },
      errors,
    };
  },
};
