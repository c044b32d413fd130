/**
 * A directory on a throwaway SQLite file that the directory commands' documented examples work against: the user
 * `john.smith@example.com` in `Domain Admins`, and a reset left open on the instance the abandon example names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryStore } from '../../../src/directory/model/index.ts';
import { DIRECTORY_SOURCE, type PublisherInstance } from '../../../src/directory/types.ts';

export const EXAMPLE_INSTANCE: PublisherInstance = { tenantId: 'tenant-1', kscInstanceId: 'ksc-1' };

export interface ExampleDirectory {
  readonly store: DirectoryStore;
  close(): Promise<void>;
}

export async function openExampleDirectory(): Promise<ExampleDirectory> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-directory-examples-'));
  const store = await DirectoryStore.open({ file: path.join(dir, 'directory.sqlite') });
  const envelope = (id: string, second: number) => ({
    id,
    source: DIRECTORY_SOURCE,
    time: `2024-09-13T09:44:${String(second).padStart(2, '0')}Z`,
    instance: EXAMPLE_INSTANCE,
  });
  await store.apply([
    {
      ...envelope('u1', 1),
      type: 'ds_user_info',
      trustee: { id: '1001', sfx: '65536' },
      info: {
        uid: '00000000-0000-4000-8000-000000000001',
        displayName: 'John Smith',
        upn: 'john.smith@example.com',
        samName: 'jsmith',
        mail: 'john.smith@example.com',
      },
    },
    {
      ...envelope('g1', 1),
      type: 'ds_group_info',
      trustee: { id: '5001', sfx: '33554432' },
      info: { uid: '00000000-0000-4000-8000-000000000002', displayName: 'Domain Admins', samName: 'admins' },
    },
    {
      ...envelope('m1', 2),
      type: 'ds_group_members',
      subject: { uid: '00000000-0000-4000-8000-000000000002' },
      chunk: [{ uid: '00000000-0000-4000-8000-000000000001' }],
    },
    { ...envelope('r1', 3), type: 'ds_info_reset' },
  ]);
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
