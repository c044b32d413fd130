/**
 * A burst whose garbage is promoted before it dies (each object lives while 200,000 newer ones are made), over a
 * live set of ~25 MB, as a server's waiting requests are. Prints the peak of the used heap in MB; with `limit` as
 * its argument, `kconnect serve`'s heap growth limit is set first.
 */
import { getHeapStatistics } from 'node:v8';
import { limitHeapGrowth } from '../../../../src/adapters/cli/heap-trim.ts';

if (process.argv[2] === 'limit') limitHeapGrowth();
const live: number[][] = Array.from({ length: 3000 }, () => Array.from({ length: 1000 }, (_, j) => j));
const waiting: unknown[] = new Array(200_000);
let peak = 0;
for (let i = 0; i < 3_000_000; i++) {
  waiting[i % waiting.length] = { id: i, values: [i, i + 1, i + 2], name: `request-${i}` };
  if (i % 1000 === 0) peak = Math.max(peak, getHeapStatistics().used_heap_size);
}
process.stdout.write(`${JSON.stringify({ peakMb: peak / 2 ** 20, live: live.length })}\n`);
