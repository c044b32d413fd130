/**
 * The ecs and ocsf mappings with a directory lookup: a KSC detection whose user the lookup knows gets the
 * directory identity in the schema's own user fields, checked against @elastic/ecs and OCSF 1.8.0 as the other
 * mapping tests check; without a match the document is what it was without the lookup.
 */
import { describe, expect, it } from 'vitest';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import type { EnrichedIdentity } from '../../../src/directory/enrichment.ts';
import { enrichesFromDirectory } from '../../../src/adapters/cli/directory-store.ts';
import { D3_DEFAULT_FIELDS } from '../../../src/intake/mappings/d3.ts';
import { createEcsMapping, createMapping, createOcsfMapping } from '../../../src/intake/mappings/index.ts';
import { ecsProblems } from './support/ecs-fields.ts';
import { OcsfSchema } from './support/ocsf-schema.ts';
import { sampleRecords } from './support/records.ts';

const IDENTITY: EnrichedIdentity = {
  displayName: 'John Smith',
  upn: 'jsmith@corp.example.com',
  mail: 'john.smith@corp.example.com',
  samName: 'jsmith',
  groups: ['Sales', 'Everyone'],
  directGroups: ['Sales'],
};

const detections = sampleRecords()['ksc.events'].filter((r) =>
  ['GNRL_EV_VIRUS_FOUND', 'GNRL_EV_OBJECT_BLOCKED', 'GNRL_EV_APPLICATION_LAUNCH_DENIED'].includes(
    String(r.data['event_type']),
  ),
);
const lookups = { identity: () => IDENTITY };

describe('mappings with the directory identity', () => {
  it('ecs: user.full_name, user.email, user.group.name and the UPN in related.user, all valid ECS', () => {
    expect(detections.length).toBeGreaterThan(0);
    const ecs = createEcsMapping({}, lookups);
    for (const record of detections) {
      const [document] = ecs.map(record);
      expect(ecsProblems(document!)).toEqual([]);
      if (record.data['GNRL_EA_PARAM_3'] === undefined || record.data['GNRL_EA_PARAM_3'] === '') continue;
      expect(document!['user']).toMatchObject({
        full_name: 'John Smith',
        email: 'john.smith@corp.example.com',
        group: { name: 'Sales' },
      });
      expect((document!['related'] as { user: string[] }).user).toContain('jsmith@corp.example.com');
    }
  });

  it('ocsf: the evidence user carries display_name, full_name, email_addr and groups, valid OCSF 1.8.0', () => {
    const schema = new OcsfSchema();
    const ocsf = createOcsfMapping({}, lookups);
    let seen = 0;
    for (const record of detections) {
      const [document] = ocsf.map(record) as [{ [key: string]: PlainJson }];
      const resolved = schema.eventClass('detection_finding');
      expect(schema.validate(document, resolved)).toEqual([]);
      const evidence = (document['evidences'] as { user?: PlainJson }[])[0]!;
      if (evidence.user === undefined) continue;
      seen++;
      expect(evidence.user).toMatchObject({
        display_name: 'John Smith',
        email_addr: 'john.smith@corp.example.com',
        groups: [{ name: 'Sales' }, { name: 'Everyone' }],
      });
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('d3 keeps seed 001’s eight fields: no identity, with or without a lookup, and no directory opened', () => {
    // Decision 0064: D3's field mapping is a contract with D3's playbooks; its custom fields read the event as
    // fetch_event returns it, which has no identity either.
    const plain = createMapping('d3');
    const withLookup = createMapping('d3', lookups);
    for (const record of detections) {
      const [document] = withLookup.map(record);
      expect(withLookup.map(record)).toEqual(plain.map(record));
      expect(Object.keys(document!).sort()).toEqual(expect.arrayContaining([...D3_DEFAULT_FIELDS].sort()));
      expect(JSON.stringify(document)).not.toContain('john.smith@corp.example.com');
    }
    // A custom path to an identity finds nothing: the event D3 sees has none.
    const custom = createMapping(
      { type: 'd3', options: { fields: { Mail: '.value.directory.mail' } } },
      lookups,
    );
    for (const record of detections) expect(custom.map(record)[0]!['__Mail']).toBeUndefined();
    expect(enrichesFromDirectory({ source: { type: 'ksc.events' }, mapping: 'd3' } as never)).toBe(false);
    expect(enrichesFromDirectory({ source: { type: 'ksc.events' }, mapping: 'ecs' } as never)).toBe(true);
  });

  it('without a match the documents are those of the mapping without a lookup', () => {
    const plain = createEcsMapping();
    const missing = createEcsMapping({}, { identity: () => undefined });
    for (const record of detections) expect(missing.map(record)).toEqual(plain.map(record));
  });
});
