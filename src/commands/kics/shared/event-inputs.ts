import { z } from 'zod';

/**
 * Input fields of the commands that change or add KICS events. Each carries a description written for people and
 * AI assistants; the CLI, HTTP and MCP surfaces show it.
 */
export const eventInputs = {
  /** An event's processing mark: KICS shows one of eight icons (0–7) beside the event. */
  mark: () =>
    z
      .number()
      .int()
      .min(0)
      .max(7)
      .describe('The event’s mark, 0–7: one of the eight icons KICS shows beside an event (0 = no mark)'),
  /**
   * Destructive commands: the same key within a day returns the first result instead of acting again (the
   * command core keeps the results; see `executeCommand`).
   */
  idempotencyKey: () =>
    z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Retry safety: a repeat with the same key within a day returns the first result'),
} as const;
