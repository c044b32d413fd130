/**
 * The query argument of KICS for Networks' `…/query` operations (spec §4): what each resource lets a filter name,
 * checking and normalising a request body, compiling its filter, and what of it a database can apply on the key.
 * Pure: no I/O.
 */
export { compileFilter, type DocumentPredicate } from './compile.ts';
export { ENUM_ALIASES, enumMember } from './enums.ts';
export { IncorrectParametersError } from './errors.ts';
export { keyBounds, type KeyBound, type KeyBounds } from './key-bounds.ts';
export { MAX_LIMIT, MAX_OFFSET, parseQueryArgument } from './parse.ts';
export { MAX_FILTER_DEPTH } from './parse-filter.ts';
export {
  ALLOW_RULES,
  APPLICATION_MESSAGES,
  AUDIT_MESSAGES,
  DEVICES,
  EVENTS,
  findField,
  RESOURCE_SPECS,
  TAGS,
  VULNERABILITIES,
  type QueryDocuments,
} from './resources.ts';
export { queryPage } from './run.ts';
export { parseDocumentTime, parseFilterTime } from './time.ts';
export * from './types.ts';
