import { z } from 'zod';
import type { AllowRule } from '../../kics/model.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry } from '../core/types.ts';
import { ALLOW_RULE_COLUMNS, allowRuleRecord, allowRuleRow } from './shared/allow-rules.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Delete Allow Rule';

const input = z.object({
  ruleIds: z
    .array(z.number().int().min(1))
    .min(1)
    .max(1000)
    .describe('The allowing rules to remove, each by id (from List Allow Rules), e.g. [12]'),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Retry safety: a repeat with the same key within a day returns the first result'),
});

const keyFields = z.object({
  DeletedRuleIds: z.array(z.number().int()),
  /** Whether each removed rule was on, in the order of DeletedRuleIds: an active one allowed traffic until now. */
  WereActive: z.array(z.boolean()),
  DeletedRulesCount: z.number().int(),
});

/** `kics_delete_allow_rule`: removes allowing rules, each on its own, keeping what they were in the result. */
export const kicsDeleteAllowRule: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_delete_allow_rule',
  title: TITLE,
  description:
    'Removes allowing rules from KICS for Networks. The traffic or commands a removed rule allowed raise ' +
    'events again (and KICS may learn the rule anew in a learning period). To silence a rule for a while, ' +
    'switch it off instead (Set Allow Rule Active): that can be undone, a removal cannot. Each rule is read ' +
    'first, so the result keeps what was removed (sides, protocols, commands, comment … in context.rules) for ' +
    'the record or to write it again. A rule that does not exist (404) is reported on its own and the others ' +
    'are still removed (Partially Successful). Needs the Administrator role. Pass `idempotencyKey` to make ' +
    'retries safe.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  // Repeating the same input leaves the same state: a repeated removal finds nothing to remove.
  idempotent: true,
  vendor: 'kics',
  api: {
    roles: CHANGER_ROLES,
    operations: ['Querying a single allowing rule', 'Removing an existing allowing rule'],
  },
  hints: { cliAliases: { ruleIds: 'rule' }, targetFields: ['ruleIds'] },
  // The last of the default world's 18 rules, which no other example reads.
  example: { ruleIds: [18] },
  async run(ctx, { ruleIds }) {
    const errors: CommandErrorEntry[] = [];
    const deleted: AllowRule[] = [];
    for (const id of new Set(ruleIds)) {
      try {
        const rule = await ctx.kics.getAllowRule(id);
        await ctx.kics.deleteAllowRule(id);
        deleted.push(rule);
      } catch (error) {
        errors.push(errorEntry(TITLE, error, String(id)));
      }
    }
    return {
      status: statusOf(deleted.length, errors.length),
      raw: wireOf(deleted),
      context: { deleted: deleted.map(allowRuleRecord), rules: deleted.map((r) => plainOf(r)) },
      keyFields: {
        DeletedRuleIds: deleted.map((r) => r.id),
        WereActive: deleted.map((r) => r.isActive),
        DeletedRulesCount: deleted.length,
      },
      result: { title: TITLE, columns: ALLOW_RULE_COLUMNS, rows: deleted.map(allowRuleRow) },
      errors,
    };
  },
};
