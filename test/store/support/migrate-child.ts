/**
 * A separate process that opens a service database and migrates it (state store and service tables), for the
 * test of migrations from several processes at once. Once loaded it prints `ready` and waits for a line on stdin,
 * so that all processes start migrating at the same moment; then prints `migrated` and exits 0, or the error and
 * exits 1.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { openServiceDatabase, serviceDatabaseLocation } from '../../../src/adapters/http/store.ts';

const where = process.argv[2];
if (where === undefined) throw new Error('usage: migrate-child <file-or-url>');
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await once(lines, 'line');
lines.close();
try {
  const database = await openServiceDatabase(serviceDatabaseLocation(where));
  await database.close();
  process.stdout.write('migrated\n');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
