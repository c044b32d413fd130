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
  /** Forces the automatic update of an autoupdate (1) or silver-image (2) category. */
  'FileCategorizer2.ForceCategoryUpdate': kscMethod({
    args: z.strictObject({ nCategoryId: arg.long() }),
    reply: noReply(),
  }),
  /** Starts static analysis of a policy's categories; `wstrRequestId` is the client's async id (deprecated). */
  'FileCategorizer2.DoStaticAnalysisAsync': kscMethod({
    args: z.strictObject({ wstrRequestId: arg.string(), nPolicyId: arg.int() }),
    reply: noReply(),
  }),
  'FileCategorizer2.DoStaticAnalysisAsync2': kscMethod({
    args: z.strictObject({ nPolicyId: arg.int() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Static analysis for a test ACL (`pTestACL`, "ACL structure 2"); deprecated form. */
  'FileCategorizer2.DoTestStaticAnalysisAsync': kscMethod({
    args: z.strictObject({ wstrRequestId: arg.string(), nPolicyId: arg.int(), pTestACL: arg.params() }),
    reply: noReply(),
  }),
  'FileCategorizer2.DoTestStaticAnalysisAsync2': kscMethod({
    args: z.strictObject({ nPolicyId: arg.int(), pTestACL: arg.params() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Tells the server the analysis results were read: it drops them. */
  'FileCategorizer2.FinishStaticAnalysis': kscMethod({ args: noArgs(), reply: noReply() }),
  /** The category body serialized for the plugin (deprecated form). */
  'FileCategorizer2.GetSerializedCategoryBody': kscMethod({
    args: z.strictObject({ nCategoryId: arg.int() }),
    reply: z.looseObject({ pCategory: out.params() }),
  }),
  'FileCategorizer2.GetSerializedCategoryBody2': kscMethod({
    args: z.strictObject({ nCategoryId: arg.int() }),
    reply: z.looseObject({ pCategory: out.params() }),
  }),
  /** The categories' synchronization id (see GroupSync). */
  'FileCategorizer2.GetSyncId': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Policies referencing a category: `pPolicies.RefPolicies` of `{PolId, PolName, GroupId, GroupName, VServerId, VServerName}`. */
  'FileCategorizer2.GetRefPolicies': kscMethod({
    args: z.strictObject({ nCatId: arg.int() }),
    reply: z.looseObject({ pPolicies: out.params() }),
  }),
  /** An upload URL (one per connection): PUT the file there, then ask for its metadata. */
  'FileCategorizer2.InitFileUpload': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ wstrUploadUrl: out.string() }),
  }),
  'FileCategorizer2.CancelFileUpload': kscMethod({ args: noArgs(), reply: noReply() }),
  /** Metadata of the uploaded file (`ulFlag`: "File metadata flags"), the result through CheckActionState. */
  'FileCategorizer2.GetFileMetadata': kscMethod({
    args: z.strictObject({ ulFlag: arg.long() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Metadata of the files of an uploaded archive. */
  'FileCategorizer2.GetFilesMetadata': kscMethod({
    args: z.strictObject({ ulFlag: arg.long() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  /** Metadata of the files of an uploaded MSI package. */
  'FileCategorizer2.GetFilesMetadataFromMSI': kscMethod({
    args: z.strictObject({ ulFlag: arg.long() }),
    reply: z.looseObject({ wstrAsyncId: out.string() }),
  }),
  'FileCategorizer2.CancelFileMetadataOperations': kscMethod({ args: noArgs(), reply: noReply() }),
} as const;
