import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/**
 * `FileCategorizer2`: custom application categories of Application Control ("Custom category format": `name`,
 * `descr`, `CategoryType`, `inclusions`, `exclusions` of expressions `{ex_type, str, str2, str_op, …}`).
 * Expression changes are asynchronous: `wstrAsyncId`, polled with `AsyncActionStateChecker.CheckActionState`.
 */
export const fileCategorizer2Methods = {
  /** Creates a category; `PxgRetVal` is its id. */
  'FileCategorizer2.CreateCategory': kscMethod({
    args: z.strictObject({ pCategory: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.long() }),
  }),
  'FileCategorizer2.GetCategory': kscMethod({
    args: z.strictObject({ nCategoryId: arg.long() }),
    reply: z.looseObject({ pCategory: out.params() }),
  }),
  'FileCategorizer2.GetCategoryByUUID': kscMethod({
    args: z.strictObject({ pCategoryUUID: arg.string() }),
    reply: z.looseObject({ pCategory: out.params() }),
  }),
  /** Replaces the members given (the expressions too, when given). */
  'FileCategorizer2.UpdateCategory': kscMethod({
    args: z.strictObject({ nCategoryId: arg.long(), pCategory: arg.params() }),
    reply: noReply(),
  }),
  'FileCategorizer2.DeleteCategory': kscMethod({
    args: z.strictObject({ nCategoryId: arg.long() }),
    reply: noReply(),
  }),
  /** Adds up to 100 expressions to the inclusions (`bInclusions`) or the exclusions. */
  'FileCategorizer2.AddExpressions': kscMethod({
    args: z.strictObject({
      nCategoryId: arg.long(),
      arrNewExpressions: z.array(arg.params()),
      bInclusions: arg.bool(),
    }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Deletes up to 100 expressions, by id, from the inclusions or the exclusions. */
  'FileCategorizer2.DeleteExpression': kscMethod({
    args: z.strictObject({ nCategoryId: arg.long(), arrIds: z.array(arg.long()), bInclusions: arg.bool() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Replaces up to 100 expressions, each `{id, body}`: the expression's id and its new body. */
  'FileCategorizer2.UpdateExpressions': kscMethod({
    args: z.strictObject({
      nCategoryId: arg.long(),
      arrIdAndExpression: z.array(arg.params()),
      bInclusions: arg.bool(),
    }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Incremented on every change of any category. */
  'FileCategorizer2.GetCategoriesModificationCounter': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.long() }),
  }),
} as const;
