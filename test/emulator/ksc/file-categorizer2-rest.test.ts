import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KlArgument } from '../../../src/ksc/values.ts';
import { BACKENDS, useKscEmulator, failure } from '../../support/ksc-emulator.ts';

type Params = Record<string, KlArgument>;

describe.each(BACKENDS)(
  'KSC emulator FileCategorizer2: uploads, static analysis, the rest (%s)',
  (backend) => {
    const emu = useKscEmulator(backend, { hosts: 40, events: 20 });

    async function finished(wstrActionGuid: string): Promise<Params> {
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 1 });
      const state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid });
      expect(state).toMatchObject({ bFinalized: true, bSuccededFinalized: true });
      return state['pStateData'] as Params;
    }

    it('uploads a file to the upload URL and answers its metadata (name and hashes) through an action', async () => {
      expect(
        (await failure(emu.admin.call('FileCategorizer2.GetFileMetadata', { ulFlag: 0x40 }))).pxgCode,
      ).toBe(1186);
      const { wstrUploadUrl } = await emu.admin.call('FileCategorizer2.InitFileUpload', {});
      const content = Buffer.from('MZ… an application the category should allow');
      const put = await fetch(new URL(`${wstrUploadUrl as string}?name=tool.exe`, emu.url), {
        method: 'PUT',
        body: content,
      });
      expect(put.status).toBe(200);
      const { wstrAsyncId } = await emu.admin.call('FileCategorizer2.GetFileMetadata', {
        ulFlag: 0x1 | 0x40 | 0x100,
      });
      expect(await finished(wstrAsyncId as string)).toEqual({
        filename: 'tool.exe',
        filehash: createHash('md5').update(content).digest('hex'),
        filehashsha256: createHash('sha256').update(content).digest('hex'),
      });
      const many = await emu.admin.call('FileCategorizer2.GetFilesMetadata', { ulFlag: 0x40 });
      expect(await finished(many['wstrAsyncId'] as string)).toEqual({
        files: [{ filehash: createHash('md5').update(content).digest('hex') }],
      });
      const msi = await emu.admin.call('FileCategorizer2.GetFilesMetadataFromMSI', { ulFlag: 0x100 });
      await finished(msi['wstrAsyncId'] as string);
      await emu.admin.call('FileCategorizer2.CancelFileMetadataOperations', {});

      // Cancelled: the URL no longer accepts a file and there is no upload to describe.
      await emu.admin.call('FileCategorizer2.CancelFileUpload', {});
      const late = await fetch(new URL(wstrUploadUrl as string, emu.url), { method: 'PUT', body: content });
      expect(late.status).toBe(404);
      expect(
        (await failure(emu.admin.call('FileCategorizer2.GetFileMetadata', { ulFlag: 0x40 }))).pxgCode,
      ).toBe(1186);
    });

    it('runs static analysis of a policy, finishing 30 s later on the emulator clock', async () => {
      const policies = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Params[];
      const nPolicyId = policies[0]!['KLPOL_ID'] as number;
      const { wstrAsyncId } = await emu.admin.call('FileCategorizer2.DoStaticAnalysisAsync2', { nPolicyId });
      const running = await emu.admin.call('AsyncActionStateChecker.CheckActionState', {
        wstrActionGuid: wstrAsyncId as string,
      });
      expect(running['bFinalized']).toBe(false);
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 30 });
      await finished(wstrAsyncId as string);

      await emu.admin.call('FileCategorizer2.DoStaticAnalysisAsync', {
        wstrRequestId: 'my-analysis-1',
        nPolicyId,
      });
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 30 });
      await finished('my-analysis-1');
      const test = await emu.admin.call('FileCategorizer2.DoTestStaticAnalysisAsync2', {
        nPolicyId,
        pTestACL: {},
      });
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 30 });
      await finished(test['wstrAsyncId'] as string);
      await emu.admin.call('FileCategorizer2.DoTestStaticAnalysisAsync', {
        wstrRequestId: 'my-test-1',
        nPolicyId,
        pTestACL: {},
      });
      await emu.admin.call('FileCategorizer2.FinishStaticAnalysis', {});
      expect(
        (await failure(emu.admin.call('FileCategorizer2.DoStaticAnalysisAsync2', { nPolicyId: 987654 })))
          .pxgCode,
      ).toBe(1186);
    });

    it('forces updates of autoupdate categories only; serialized bodies, references and the sync id', async () => {
      const simple = (
        await emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: { name: 'rest simple' } })
      )['PxgRetVal'] as number;
      const auto = (
        await emu.admin.call('FileCategorizer2.CreateCategory', {
          pCategory: { name: 'rest auto', CategoryType: 1 },
        })
      )['PxgRetVal'] as number;
      expect(
        (await failure(emu.admin.call('FileCategorizer2.ForceCategoryUpdate', { nCategoryId: simple })))
          .pxgCode,
      ).toBe(1193);
      const before = (await emu.admin.call('FileCategorizer2.GetCategoriesModificationCounter', {}))[
        'PxgRetVal'
      ];
      await emu.admin.call('FileCategorizer2.ForceCategoryUpdate', { nCategoryId: auto });
      const after = (await emu.admin.call('FileCategorizer2.GetCategoriesModificationCounter', {}))[
        'PxgRetVal'
      ];
      expect(BigInt(after as number)).toBe(BigInt(before as number) + 1n);
      const body = (
        await emu.admin.call('FileCategorizer2.GetSerializedCategoryBody2', { nCategoryId: auto })
      )['pCategory'] as Params;
      expect(body).toMatchObject({ name: 'rest auto', CategoryType: 1, version: 2 });
      await emu.admin.call('FileCategorizer2.GetSerializedCategoryBody', { nCategoryId: auto });
      expect(
        (await emu.admin.call('FileCategorizer2.GetRefPolicies', { nCatId: simple }))['pPolicies'],
      ).toEqual({
        RefPolicies: [],
      });
      expect(
        (await failure(emu.admin.call('FileCategorizer2.GetRefPolicies', { nCatId: 9999 }))).pxgCode,
      ).toBe(1186);
      expect((await emu.admin.call('FileCategorizer2.GetSyncId', {}))['PxgRetVal']).toBe(1);
    });
  },
);
