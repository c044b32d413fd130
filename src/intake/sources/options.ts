/**
 * What every source's options share: the `type` and `connection` a pipeline's `source` names (issue 18's
 * contract) and where a source starts when nothing was committed yet.
 */
import { z } from 'zod';

/** An ISO 8601 time with a zone (`2024-06-24T00:00:00Z`, `…+02:00`). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * `start`: the oldest record the vendor still has, only records that arrive from now on, or the records from an
 * ISO 8601 time on. Read only when the pipeline has no checkpoint yet.
 */
export const startOption = z
  .union([
    z.literal('start'),
    z.literal('end'),
    z
      .string()
      .regex(ISO_TIME, 'expected start, end or an ISO 8601 time with a zone such as 2024-06-24T00:00:00Z')
      .refine((text) => !Number.isNaN(Date.parse(text)), 'not a real time'),
  ])
  .describe('Where to begin without a checkpoint: start (oldest), end (only new) or an ISO 8601 time');

export type StartOption = z.infer<typeof startOption>;

/** The members every source's options have. */
export const commonSourceOptions = {
  connection: z.string().min(1).describe('The name of a connection in kconnect.yaml'),
};

/** Milliseconds since the epoch of a start time; undefined for `start` and `end`. */
export function startTimeMs(start: StartOption): number | undefined {
  return start === 'start' || start === 'end' ? undefined : Date.parse(start);
}
