import { createHash } from 'node:crypto';
import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { isKlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass, type MethodArgs, type MethodImplementation } from '../method.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
import { CATEGORIES_SETTING } from '../categories/modification.ts';
import { categorizerUploads, fileMetadata } from '../categories/uploads.ts';
import { automaticContent } from '../categories/auto-content.ts';
import { categoriesSyncId } from '../group-sync/ids.ts';
import { findPolicy } from '../inventory/policies.ts';
import { policyChanges } from '../inventory/policy-store.ts';
import { referencingPolicies } from '../categories/policy-references.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

/** The reference's limit on expressions per call. */
const MAX_EXPRESSIONS_PER_CALL = 100;

/** How long static analysis takes on the emulator clock (convention: long enough for clients to poll). */
const STATIC_ANALYSIS_MS = 30_000;

/** Category types whose automatic update `ForceCategoryUpdate` starts: autoupdate (1) and silver image (2). */
const AUTOUPDATE_TYPES = new Set([1, 2]);

/** Members of a category the server keeps for itself; a client's values for them are ignored. */
const SERVER_MEMBERS = new Set(['id', 'uuid', 'version', 'fromMaster', 'Md5WithoutSha256Exists']);

interface Categories {
  nextId: number;
  readonly counter: number;
  readonly list: KlParams[];
}

async function load(ctx: MethodContext): Promise<Categories> {
  return read(await storedSetting(ctx.world, ctx.vserverId, CATEGORIES_SETTING));
}

function read(stored: KlParams | undefined): Categories {
  return {
    nextId: Number(stored?.['nextId'] ?? 1),
    counter: Number(stored?.['counter'] ?? 0),
    list: (stored?.['list'] as KlParams[] | undefined) ?? [],
  };
}

/**
 * Reads the categories, lets `change` edit them (in place) and saves them with the modification counter moved by
 * one, in one transaction: concurrent changes are not lost.
 */
function change<T>(ctx: MethodContext, edit: (categories: Categories) => T): Promise<T> {
  return updateSetting(ctx.world, ctx.vserverId, CATEGORIES_SETTING, (stored) => {
    const categories = { ...read(stored) };
    const result = edit(categories);
    return {
      value: {
        nextId: categories.nextId,
        counter: BigInt(categories.counter + 1),
        // When the categories' group synchronization last changed (GroupSync delivers it from then on).
        modifiedAt: new Date(Math.floor(ctx.clock.now() / 1000) * 1000),
        list: categories.list,
      },
      result,
    };
  });
}

function indexOf(categories: Categories, nCategoryId: number | bigint): number {
  const id = Number(nCategoryId);
  const index = categories.list.findIndex((c) => Number(c['id']) === id);
  if (index < 0) throw faults.notFound(`Category ${id} not found`);
  return index;
}

/** A category's UUID, derived from its server and id (deterministic). */
function uuidOf(vserverId: number, id: number): string {
  const hex = createHash('sha256').update(`category\u0000${vserverId}\u0000${id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Expressions as given, each a container with an integer `ex_type` (the reference's "Custom category format"). */
function expressions(value: KlValue | undefined, name: string): KlParams[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw faults.badParameter(name);
  return value.map((e) => {
    if (!isKlParams(e) || (typeof e['ex_type'] !== 'number' && typeof e['ex_type'] !== 'bigint'))
      throw faults.badParameter(name);
    return e;
  });
}

/** Whether an MD5 hash rule (ex_type 3, 32 hex digits) is present without a SHA-256 one. */
function md5WithoutSha256(category: KlParams): boolean {
  const all = [
    ...expressions(category['inclusions'], 'pCategory'),
    ...expressions(category['exclusions'], 'pCategory'),
  ];
  const hashes = all.filter((e) => Number(e['ex_type']) === 3).map((e) => String(e['str'] ?? ''));
  return hashes.some((h) => /^[0-9a-f]{32}$/i.test(h)) && !hashes.some((h) => /^[0-9a-f]{64}$/i.test(h));
}

/** A category as the server answers it: the stored one plus the members it computes. */
function answer(category: KlParams): KlParams {
  return { ...category, Md5WithoutSha256Exists: md5WithoutSha256(category) };
}

/** `pCategory` checked: a non-empty `name`, expression arrays; the server's own members dropped. */
function checkedBody(pCategory: KlParams, creating: boolean): KlParams {
  const body: Record<string, KlValue> = {};
  for (const [key, value] of Object.entries(pCategory)) if (!SERVER_MEMBERS.has(key)) body[key] = value;
  const name = body['name'];
  if ((creating || name !== undefined) && (typeof name !== 'string' || name.trim() === ''))
    throw faults.badParameter('pCategory');
  for (const list of ['inclusions', 'exclusions'])
    if (body[list] !== undefined) body[list] = expressions(body[list], 'pCategory');
  return body;
}

function requireUniqueName(categories: Categories, name: KlValue | undefined, exceptId?: number): void {
  if (typeof name !== 'string') return;
  const taken = categories.list.some(
    (c) => String(c['name']).toLowerCase() === name.toLowerCase() && Number(c['id']) !== exceptId,
  );
  if (taken) throw faults.notPermitted(`A category named '${name}' already exists`);
}

/** Changes a category's expressions and answers as the reference does: an action id to poll. */
async function changeExpressions(
  ctx: MethodContext,
  nCategoryId: number | bigint,
  bInclusions: boolean,
  edit: (current: KlParams[]) => KlParams[],
) {
  await change(ctx, (categories) => {
    const index = indexOf(categories, nCategoryId);
    const category = categories.list[index]!;
    const list = bInclusions ? 'inclusions' : 'exclusions';
    categories.list[index] = {
      ...category,
      [list]: edit(expressions(category[list], list)),
      version: Number(category['version'] ?? 1) + 1,
    };
  });
  return { wstrAsyncId: ctx.actions.start(ctx.owner, { succeeded: true }) };
}

/** Static analysis of a policy's categories: the policy must exist; the action finishes on the emulator clock. */
async function startStaticAnalysis(
  ctx: MethodContext,
  nPolicyId: number,
  testAcl: KlParams | undefined,
  chosenId?: string,
): Promise<string> {
  const policy = findPolicy(
    ctx.world,
    ctx.vserverId,
    nPolicyId,
    await policyChanges(ctx.world, ctx.vserverId),
  );
  if (policy === undefined) throw faults.notFound(`Policy ${nPolicyId} not found`);
  if (testAcl !== undefined && !isKlParams(testAcl)) throw faults.badParameter('pTestACL');
  return ctx.actions.start(ctx.owner, { succeeded: true }, STATIC_ANALYSIS_MS, chosenId);
}

/** Metadata of the caller's upload, answered through an action (the reference's flow); no upload is 1186. */
function metadataAction(ctx: MethodContext, ulFlag: number | bigint, asList: boolean) {
  const file = categorizerUploads(ctx.world).fileOf(ctx.owner);
  if (file === undefined) throw faults.notFound('No file was uploaded');
  const metadata = fileMetadata(file, Number(ulFlag));
  const stateData: KlParams = asList ? { files: [metadata] } : metadata;
  return { wstrAsyncId: ctx.actions.start(ctx.owner, { succeeded: true, stateData }) };
}

/**
 * The reference places the analysis results into two SrvViews (per category, and per executable file), but the
 * pages giving their view names and attributes were not reachable (decision 0075): serving them under guessed
 * names would answer clients something KSC never does.
 */
const STATIC_ANALYSIS_VIEWS_MISSING =
  'the results views ("Srvview results of static analysis": per category, the count of executable files; and ' +
  '"… with .exe files information": the files) are not served, their view names and attributes not being known';

const UPLOAD_NOT_UNPACKED =
  'the upload is answered as one file: archives and MSI packages are not unpacked, and versionInfo, certificate ' +
  'and the other flags that need the file parsed are omitted';

/**
 * `FileCategorizer2`: custom application categories, stored per virtual server (`server_settings`,
 * `file-categories`). The seeded world holds none (a new server has no custom categories). Expression changes
 * are done at once and reported through an asynchronous action, as the reference's `wstrAsyncId` asks clients to
 * poll. Autoupdate and silver-image categories take their content from the Application Control inventory when
 * `ForceCategoryUpdate` runs (categories/auto-content.ts, decisions/0080); static analysis finishes on the
 * emulator clock without result views; uploads record the file's hashes (categories/uploads.ts); `GetRefPolicies`
 * answers the seeded KES policies whose Application Control rules name the category (categories/policy-references.ts).
 * See decisions/0067 and 0080.
 */
/**
 * `GetSerializedCategoryBody` and `GetSerializedCategoryBody2` differ only in the category format the reference
 * says they serialize to, which is not public: both answer the body in the custom category format.
 */
const serializedCategoryBody: MethodImplementation<MethodArgs<'FileCategorizer2.GetSerializedCategoryBody'>> =
  {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'the "Serialized category format" is not public: the body is answered in the custom category format',
    },
    handler: async (ctx, { nCategoryId }) => {
      const categories = await load(ctx);
      return { pCategory: answer(categories.list[indexOf(categories, nCategoryId)]!) };
    },
  };

export const fileCategorizer2Class = defineClass('FileCategorizer2', {
  CreateCategory: {
    rights: WRITE,
    handler: async (ctx, { pCategory }) => {
      const body = checkedBody(pCategory, true);
      const id = await change(ctx, (categories) => {
        requireUniqueName(categories, body['name']);
        const id = categories.nextId;
        categories.list.push({
          descr: '',
          CategoryType: 0,
          inclusions: [],
          exclusions: [],
          CustomCategoryCipCompatible: false,
          ...body,
          id,
          uuid: uuidOf(ctx.vserverId, id),
          version: 1,
          fromMaster: false,
        });
        categories.nextId = id + 1;
        return id;
      });
      return { PxgRetVal: id };
    },
  },
  GetCategory: {
    rights: READ,
    handler: async (ctx, { nCategoryId }) => {
      const categories = await load(ctx);
      return { pCategory: answer(categories.list[indexOf(categories, nCategoryId)]!) };
    },
  },
  GetCategoryByUUID: {
    rights: READ,
    handler: async (ctx, { pCategoryUUID }) => {
      const category = (await load(ctx)).list.find(
        (c) => String(c['uuid']).toLowerCase() === pCategoryUUID.toLowerCase(),
      );
      if (category === undefined) throw faults.notFound(`Category '${pCategoryUUID}' not found`);
      return { pCategory: answer(category) };
    },
  },
  UpdateCategory: {
    rights: WRITE,
    handler: async (ctx, { nCategoryId, pCategory }) => {
      const body = checkedBody(pCategory, false);
      await change(ctx, (categories) => {
        const index = indexOf(categories, nCategoryId);
        const current = categories.list[index]!;
        requireUniqueName(categories, body['name'], Number(current['id']));
        categories.list[index] = { ...current, ...body, version: Number(current['version'] ?? 1) + 1 };
      });
      return {};
    },
  },
  DeleteCategory: {
    rights: WRITE,
    // The reference names no "in use" error (only STDE_NOTFOUND and STDE_NOACCESS): a category policies
    // reference is deleted like any other; their rules keep naming its id, which no later category takes.
    handler: async (ctx, { nCategoryId }) => {
      await change(ctx, (categories) => {
        categories.list.splice(indexOf(categories, nCategoryId), 1);
      });
      return {};
    },
  },
  AddExpressions: {
    rights: WRITE,
    handler: (ctx, { nCategoryId, arrNewExpressions, bInclusions }) => {
      if (arrNewExpressions.length > MAX_EXPRESSIONS_PER_CALL) throw faults.badParameter('arrNewExpressions');
      const added = expressions(arrNewExpressions, 'arrNewExpressions');
      return changeExpressions(ctx, nCategoryId, bInclusions, (current) => [...current, ...added]);
    },
  },
  DeleteExpression: {
    rights: WRITE,
    handler: (ctx, { nCategoryId, arrIds, bInclusions }) => {
      if (arrIds.length > MAX_EXPRESSIONS_PER_CALL) throw faults.badParameter('arrIds');
      return changeExpressions(ctx, nCategoryId, bInclusions, (current) => {
        // An expression's id is its zero-based position in the list before the call (convention).
        const ids = new Set(arrIds.map(Number));
        if ([...ids].some((id) => !Number.isInteger(id) || id < 0 || id >= current.length))
          throw faults.badParameter('arrIds');
        return current.filter((_, i) => !ids.has(i));
      });
    },
  },
  UpdateExpressions: {
    rights: WRITE,
    handler: (ctx, { nCategoryId, arrIdAndExpression, bInclusions }) => {
      if (arrIdAndExpression.length > MAX_EXPRESSIONS_PER_CALL)
        throw faults.badParameter('arrIdAndExpression');
      // The reference: each element is {id (int): the expression's id, body (params): its new body}.
      const updates = arrIdAndExpression.map((e) => {
        const id = e['id'];
        if (typeof id !== 'number' && typeof id !== 'bigint') throw faults.badParameter('arrIdAndExpression');
        return { id: Number(id), body: expressions([e['body'] ?? null], 'arrIdAndExpression')[0] };
      });
      return changeExpressions(ctx, nCategoryId, bInclusions, (current) => {
        const next = [...current];
        for (const { id, body } of updates) {
          // Ids are zero-based positions, as DeleteExpression reads them (decisions/0067).
          if (body === undefined || !Number.isInteger(id) || id < 0 || id >= next.length)
            throw faults.badParameter('arrIdAndExpression');
          next[id] = body;
        }
        return next;
      });
    },
  },
  GetCategoriesModificationCounter: {
    rights: READ,
    handler: async (ctx) => ({ PxgRetVal: BigInt((await load(ctx)).counter) }),
  },
  ForceCategoryUpdate: {
    rights: WRITE,
    handler: async (ctx, { nCategoryId }) => {
      await change(ctx, (categories) => {
        const index = indexOf(categories, nCategoryId);
        const category = categories.list[index]!;
        if (!AUTOUPDATE_TYPES.has(Number(category['CategoryType'] ?? 0)))
          throw faults.notPermitted('Wrong category type');
        // The server fills these categories itself: the update replaces their inclusions with what the
        // Application Control inventory holds now (categories/auto-content.ts; reads memory only, no query).
        categories.list[index] = {
          ...category,
          inclusions: automaticContent(ctx.world, ctx.vserverId, category),
          version: Number(category['version'] ?? 1) + 1,
        };
      });
      return {};
    },
  },
  DoStaticAnalysisAsync: {
    rights: READ,
    coverage: { level: 'partial', missing: STATIC_ANALYSIS_VIEWS_MISSING },
    handler: async (ctx, { wstrRequestId, nPolicyId }) => {
      if (wstrRequestId.trim() === '') throw faults.badParameter('wstrRequestId');
      await startStaticAnalysis(ctx, nPolicyId, undefined, wstrRequestId);
      return {};
    },
  },
  DoStaticAnalysisAsync2: {
    rights: READ,
    coverage: { level: 'partial', missing: STATIC_ANALYSIS_VIEWS_MISSING },
    handler: async (ctx, { nPolicyId }) => ({
      wstrAsyncId: await startStaticAnalysis(ctx, nPolicyId, undefined),
    }),
  },
  DoTestStaticAnalysisAsync: {
    rights: READ,
    coverage: { level: 'partial', missing: STATIC_ANALYSIS_VIEWS_MISSING },
    handler: async (ctx, { wstrRequestId, nPolicyId, pTestACL }) => {
      if (wstrRequestId.trim() === '') throw faults.badParameter('wstrRequestId');
      await startStaticAnalysis(ctx, nPolicyId, pTestACL, wstrRequestId);
      return {};
    },
  },
  DoTestStaticAnalysisAsync2: {
    rights: READ,
    coverage: { level: 'partial', missing: STATIC_ANALYSIS_VIEWS_MISSING },
    handler: async (ctx, { nPolicyId, pTestACL }) => ({
      wstrAsyncId: await startStaticAnalysis(ctx, nPolicyId, pTestACL),
    }),
  },
  // No results are kept (the views are not served), so there is nothing to drop.
  FinishStaticAnalysis: { rights: READ, handler: () => ({}) },
  GetSerializedCategoryBody: serializedCategoryBody,
  GetSerializedCategoryBody2: serializedCategoryBody,
  GetSyncId: {
    rights: READ,
    handler: (ctx) => ({ PxgRetVal: categoriesSyncId(ctx.vserverId) }),
  },
  GetRefPolicies: {
    rights: READ,
    handler: async (ctx, { nCatId }) => {
      const categories = await load(ctx);
      const id = Number(categories.list[indexOf(categories, nCatId)]!['id']);
      const changes = await policyChanges(ctx.world, ctx.vserverId);
      return { pPolicies: { RefPolicies: referencingPolicies(ctx.world, ctx.vserverId, id, changes) } };
    },
  },
  InitFileUpload: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing:
        "the URL's form (PUT of the whole file, `?name=` its name) is the emulator's: the reference's Files upload page was not reachable",
    },
    handler: (ctx) => ({ wstrUploadUrl: categorizerUploads(ctx.world).start(ctx.owner) }),
  },
  CancelFileUpload: {
    rights: WRITE,
    handler: (ctx) => {
      categorizerUploads(ctx.world).cancel(ctx.owner);
      return {};
    },
  },
  GetFileMetadata: {
    rights: WRITE,
    coverage: { level: 'partial', missing: UPLOAD_NOT_UNPACKED },
    handler: (ctx, { ulFlag }) => metadataAction(ctx, ulFlag, false),
  },
  GetFilesMetadata: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing: `${UPLOAD_NOT_UNPACKED}; the list's shape ({files: […]}) is not public`,
    },
    handler: (ctx, { ulFlag }) => metadataAction(ctx, ulFlag, true),
  },
  GetFilesMetadataFromMSI: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing: `${UPLOAD_NOT_UNPACKED}; the list's shape ({files: […]}) is not public`,
    },
    handler: (ctx, { ulFlag }) => metadataAction(ctx, ulFlag, true),
  },
  // Metadata is computed when asked for: no operation is left running to cancel.
  CancelFileMetadataOperations: { rights: WRITE, handler: () => ({}) },
});
