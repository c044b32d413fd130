import { z } from 'zod';

/**
 * The JSON Schema keyword that carries an enum's values in words, beside `enum`: forms built from a command's
 * input schema (the console's filters and pickers) show the words and send the codes, with no table of their own.
 */
export const ENUM_WORDS_KEYWORD = 'x-enum-words';

/** An enum of vendor codes whose JSON Schema also says each code in words (see {@link ENUM_WORDS_KEYWORD}). */
export function enumWithWords<const T extends readonly [string, ...string[]]>(
  values: T,
  words: { readonly [V in T[number]]: string },
) {
  return z.enum(values).meta({ [ENUM_WORDS_KEYWORD]: words });
}
