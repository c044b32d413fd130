/**
 * A throwaway streaming KSC command for the surfaces' tests: it asks KSC for the root group id, then streams
 * `count` records, and — when told to — fails after `failAfter` of them, as a list whose next page KSC did not
 * answer. Its `run` gives the same records as `context` (or the same failure), as a real list command does.
 */
import { z } from 'zod';
import type { KscCommand } from '../../src/commands/ksc/shared/vendor.ts';
import type { PlainJson } from '../../src/commands/core/types.ts';
import { KconnectError } from '../../src/errors.ts';

const input = z.object({
  count: z.number().int().min(0).max(100_000).default(5).describe('How many records'),
  failAfter: z.number().int().min(0).optional().describe('Fail after this many records'),
});

export const MID_STREAM_FAILURE = 'KSC did not answer the next page';

let held: Promise<void> | undefined;

/** Makes the command's streams wait after their first record until the returned function is called. */
export function holdStreams(): () => void {
  let open = (): void => undefined;
  held = new Promise<void>((resolve) => (open = resolve));
  return () => {
    held = undefined;
    open();
  };
}

function recordOf(root: number, n: number): { [key: string]: PlainJson } {
  return { n, root, name: `record-${n}` };
}

export const streamingTestCommand: KscCommand<typeof input> = {
  name: 'stream_test_list',
  title: 'Stream Test List',
  description:
    'Streams numbered records after asking KSC for the root group id: a test of the surfaces only.',
  vendor: 'ksc',
  api: { rights: [], operations: ['HostGroup.GroupIdGroups'] },
  input,
  keyFields: z.object({ Count: z.number() }),
  readOnly: true,
  destructive: false,
  idempotent: true,
  example: { count: 3 },
  async run(ctx, query) {
    const records: PlainJson[] = [];
    for await (const record of this.stream!(ctx, query)) records.push(record);
    return {
      status: 'Successful',
      raw: null,
      context: records,
      keyFields: { Count: records.length },
      result: { title: 'Stream Test List', columns: ['Count'], rows: [[records.length]] },
      errors: [],
    };
  },
  async *stream(ctx, { count, failAfter }) {
    const root = (await ctx.ksc.call('HostGroup.GroupIdGroups', {})).PxgRetVal;
    for (let n = 0; n < count; n++) {
      if (n === failAfter) throw new KconnectError('UPSTREAM_UNAVAILABLE', MID_STREAM_FAILURE);
      yield recordOf(root, n);
      if (n === 0 && held !== undefined) await held;
    }
  },
};
