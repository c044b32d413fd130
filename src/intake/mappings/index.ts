/**
 * The intake's mappings (issue 18): `raw`, `d3`, `ecs`, `ocsf`, each a pure function from an intake record to
 * documents, built from the option schemas below (a pipeline's `mapping` is a name, or a name with options).
 */
import { z } from 'zod';
import type { Mapping, MappingName } from '../types.ts';
import { createD3Mapping, d3MappingOptionsSchema, D3_SHAPES } from './d3.ts';
import { createEcsMapping, ecsMappingOptionsSchema, ECS_SHAPES } from './ecs.ts';
import { createOcsfMapping, ocsfMappingOptionsSchema, OCSF_SHAPES } from './ocsf.ts';
import { createRawMapping, RAW_SHAPES } from './raw.ts';
import type { Shape } from './rules.ts';
import type { MappingLookups } from './identity.ts';

export {
  createD3Mapping,
  d3MappingOptionsSchema,
  d3SystemName,
  D3MappingError,
  D3_DEFAULT_FIELDS,
} from './d3.ts';
export type { D3MappingOptions } from './d3.ts';
export { createEcsMapping, ecsMappingOptionsSchema, type EcsMappingOptions } from './ecs.ts';
export {
  createOcsfMapping,
  ocsfMappingOptionsSchema,
  OCSF_VERSION,
  type OcsfMappingOptions,
} from './ocsf.ts';
export { createRawMapping, rawDocument } from './raw.ts';
export { kicsSeverity, kscSeverity, severityTable, type Severity } from './severity.ts';
export { epochMillis, isoUtc } from './time.ts';
export type { FieldRule, Shape } from './rules.ts';
export { userReferenceOf, type IdentityLookup, type MappingLookups } from './identity.ts';

/** A pipeline's `mapping`: a name, or a name with its options. */
export const mappingConfigSchema = z.union([
  z.enum(['raw', 'd3', 'ecs', 'ocsf']),
  z.object({ type: z.literal('raw') }).strict(),
  z.object({ type: z.literal('d3'), options: d3MappingOptionsSchema.optional() }).strict(),
  z.object({ type: z.literal('ecs'), options: ecsMappingOptionsSchema.optional() }).strict(),
  z.object({ type: z.literal('ocsf'), options: ocsfMappingOptionsSchema.optional() }).strict(),
]);
export type MappingConfig = z.input<typeof mappingConfigSchema>;

/**
 * The mapping a pipeline names, with the lookups the pipeline prepares per page (the directory identity of an
 * event's user, for ecs and ocsf). Throws a zod error or a D3MappingError on bad options.
 */
export function createMapping(config: MappingConfig, lookups: MappingLookups = {}): Mapping {
  const parsed = mappingConfigSchema.parse(config);
  if (typeof parsed === 'string') return createMapping({ type: parsed }, lookups);
  switch (parsed.type) {
    case 'raw':
      return createRawMapping();
    case 'd3':
      return createD3Mapping(parsed.options);
    case 'ecs':
      return createEcsMapping(parsed.options, lookups);
    case 'ocsf':
      return createOcsfMapping(parsed.options, lookups);
  }
}

/** Every mapping's tables, for docs/mappings.md. */
export const MAPPING_SHAPES: Readonly<Record<MappingName, readonly Shape[]>> = {
  raw: RAW_SHAPES,
  d3: D3_SHAPES,
  ecs: ECS_SHAPES,
  ocsf: OCSF_SHAPES,
};
