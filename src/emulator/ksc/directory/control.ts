import type { Hono } from 'hono';
import { z } from 'zod';
import { readJson } from '../../core/control.ts';
import type { EmulatorEnv } from '../../core/server.ts';
import type { DirectoryPublisher } from './publisher.ts';

const publishBody = z.strictObject({
  /** Republish the whole directory (no reset). */
  full: z.boolean().default(false),
  /** Make this many live changes now. */
  changes: z.number().int().min(0).max(100_000).default(0),
});

const restoreBody = z.strictObject({
  omit: z.number().int().min(0).max(1_000_000).default(0),
  duplicates: z.number().int().min(0).max(1_000_000).default(0),
  reorderWindow: z.number().int().min(0).max(1_000_000).default(0),
  complete: z.boolean().default(true),
});

/**
 * The directory publisher's control routes, under `/__emulator/directory`: read what was published (and the
 * truth a receiver must end with), publish now, pause and resume, simulate a restore from backup.
 */
export function mountDirectoryControl(control: Hono<EmulatorEnv>, publisher: DirectoryPublisher): void {
  control.get('/directory', (c) => c.json(publisher.status()));

  control.get('/directory/truth', (c) => c.json(publisher.truth()));

  control.post('/directory/publish', async (c) => {
    const body = await readJson(c.req.raw, publishBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const queued = body.value.full ? publisher.publishFull() : 0;
    const changes = publisher.change(body.value.changes);
    publisher.flush();
    return c.json({ queued, changes, status: publisher.status() });
  });

  control.post('/directory/pause', (c) => {
    publisher.pause();
    return c.json(publisher.status());
  });

  control.post('/directory/resume', (c) => {
    publisher.resume();
    return c.json(publisher.status());
  });

  control.post('/directory/restore', async (c) => {
    const body = await readJson(c.req.raw, restoreBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const outcome = publisher.restore(body.value);
    publisher.flush();
    return c.json({ ...outcome, status: publisher.status() });
  });
}
