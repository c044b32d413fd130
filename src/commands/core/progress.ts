import type { CommandContext, ProgressUpdate } from './types.ts';

/**
 * Hands an update to the context's progress listener, if any. A listener that throws must not fail the
 * command: progress is a courtesy to whoever watches, never part of the result.
 */
export function reportProgress(ctx: CommandContext, update: ProgressUpdate): void {
  if (ctx.progress === undefined) return;
  try {
    ctx.progress(update);
  } catch {
    // Drawing or sending progress failed (a closed terminal, a gone client): the work goes on.
  }
}

/** `12345` as `12,345`, the same on every locale (no ICU data needed). */
export function formatCount(n: number): string {
  return String(Math.floor(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds as `m:ss`. */
function minutes(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** An update in words, for surfaces that show text: `reading 2,000/2,500 hosts`, `waiting for task 0:42 of 10:00`. */
export function progressText(update: ProgressUpdate): string {
  if (update.phase === 'waiting') {
    return `waiting for ${update.label} ${minutes(update.done)} of ${minutes(update.total)} (look ${update.looks})`;
  }
  const total = update.total === undefined ? '' : `/${formatCount(update.total)}`;
  return `reading ${formatCount(update.done)}${total} ${update.label}`;
}
