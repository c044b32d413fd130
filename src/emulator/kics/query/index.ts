/**
 * The emulator's side of the KICS query argument: the shared language (src/kics/query) plus evaluating it — a
 * compiled predicate over documents, the key bounds a database can apply first, and an in-memory page.
 */
export * from '../../../kics/query/index.ts';
export { compileFilter, type DocumentPredicate } from './compile.ts';
export { keyBounds, type KeyBound, type KeyBounds } from './key-bounds.ts';
export { queryPage } from './run.ts';
