/**
 * The KSC search-filter language (`wstrFilter` of HostGroup.FindHosts and friends): parse text to
 * an AST, evaluate it against records, and build filters safely from user input.
 */
export type {
  AndNode,
  AnyCharElement,
  AnySequenceElement,
  BinaryValue,
  CharSetElement,
  CharSetItem,
  ComparisonNode,
  ComparisonOperator,
  FilterNode,
  FilterValue,
  IntegerValue,
  LiteralElement,
  LiteralStringValue,
  MatchAllNode,
  NotNode,
  OrNode,
  PatternElement,
  PatternStringValue,
  RelativeTimeValue,
  StringValue,
  TimeValue,
  WildcardPattern,
} from './ast.ts';
export { FilterBuildError, FilterSyntaxError } from './errors.ts';
export {
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
  MAX_CURTIME_OFFSET_SECONDS,
  parseFilter,
  type ParseFilterOptions,
} from './parser.ts';
export {
  compileFilter,
  matchesFilter,
  type CompileFilterOptions,
  type FilterAttributeValue,
  type FilterPredicate,
  type FilterRecord,
} from './evaluate.ts';
export { filter, FilterExpression, FilterLiteral, type FilterOperand } from './build.ts';
export {
  compileWildcard,
  hasWildcardCharacters,
  parseWildcardPattern,
  type WildcardParseResult,
} from './wildcard.ts';
export { isValidAttributeName } from './lexer.ts';
export { parseQuotedDateTime } from './time.ts';
export { foldCase } from './casefold.ts';
