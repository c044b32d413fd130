import { z } from 'zod';
import type { CommandDefinition, CommandErrorEntry } from './types.ts';

const knownFieldsCache = new WeakMap<z.ZodType, ReadonlySet<string>>();

/** The top-level fields an input schema declares (its JSON Schema's properties, as every surface shows them). */
function knownFields(schema: z.ZodType): ReadonlySet<string> {
  let known = knownFieldsCache.get(schema);
  if (known === undefined) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: object };
    known = new Set(Object.keys(json.properties ?? {}));
    knownFieldsCache.set(schema, known);
  }
  return known;
}

/** Edits (insert, delete, substitute, swap two neighbours) from one name to the other, case-insensitively. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[x.length]![y.length]!;
}

/** The known field closest to a misspelt one, when it is close enough to be what was meant. */
export function closestField(name: string, known: Iterable<string>): string | undefined {
  let best: { field: string; edits: number } | undefined;
  for (const field of known) {
    const edits = distance(name, field);
    if (best === undefined || edits < best.edits) best = { field, edits };
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  return best !== undefined && best.edits <= tolerance ? best.field : undefined;
}

/**
 * The fields of an input that the command does not know, as input errors. A misspelt field must not be dropped
 * silently: `isolationTimout` would isolate for the default time, a misspelt `idempotencyKey` act twice.
 */
export function unknownFieldErrors(command: CommandDefinition, input: unknown): CommandErrorEntry[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const known = knownFields(command.input);
  return Object.keys(input)
    .filter((field) => !known.has(field))
    .map((field) => {
      const suggestion = closestField(field, known);
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      return {
        failureIndicator: `${command.title} failed.`,
        statusCode: 400,
        code: 'INVALID_INPUT',
        message: `The value for parameter (${field}) is invalid: ${command.name} has no such field${hint}`,
      };
    });
}
