/**
 * The query argument of KICS for Networks' `…/query` operations (seed 002, spec §4), shared by the client and the
 * emulator: what each resource lets a filter name and sort by, and checking and normalising a query argument into
 * a typed tree. Pure: no I/O.
 */
export { ENUM_ALIASES, enumMember } from './enums.ts';
export { IncorrectParametersError } from './errors.ts';
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
export { parseDocumentTime, parseFilterTime } from './time.ts';
export * from './types.ts';
