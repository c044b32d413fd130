import { describe, expect, it } from 'vitest';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import { createOcsfMapping } from '../../../src/intake/mappings/index.ts';
import { OcsfSchema } from './support/ocsf-schema.ts';
import { sampleRecords } from './support/records.ts';

const schema = new OcsfSchema();
const CLASSES = new Map(
  [
    'detection_finding',
    'vulnerability_finding',
    'inventory_info',
    'network_activity',
    'entity_management',
    'authentication',
    'base_event',
  ].map((name) => {
    const resolved = schema.eventClass(name);
    return [resolved.classUid, resolved] as const;
  }),
);
const records = sampleRecords();
const ocsf = createOcsfMapping({ rawData: true });

type Doc = { [key: string]: PlainJson };

describe('the ocsf mapping', () => {
  it('resolves the classes it uses from the schema, with the uids it emits', () => {
    expect([...CLASSES.keys()].sort((a, b) => a - b)).toEqual([0, 2002, 2004, 3002, 3004, 4001, 5001]);
  });

  for (const [source, list] of Object.entries(records)) {
    it(`emits records that conform to their OCSF 1.8.0 class for ${source}`, () => {
      const problems = new Set<string>();
      let count = 0;
      for (const record of list) {
        for (const document of ocsf.map(record) as Doc[]) {
          count++;
          const resolved = CLASSES.get(document['class_uid'] as number);
          if (resolved === undefined) {
            problems.add(`class_uid ${String(document['class_uid'])} is not a class this test resolves`);
            continue;
          }
          if (document['category_uid'] !== resolved.categoryUid)
            problems.add(`${resolved.name}: category_uid`);
          if (document['type_uid'] !== resolved.classUid * 100 + (document['activity_id'] as number)) {
            problems.add(`${resolved.name}: type_uid`);
          }
          for (const problem of schema.validate(document, resolved))
            problems.add(`${resolved.name}: ${problem}`);
        }
      }
      expect(count).toBeGreaterThan(0);
      expect([...problems]).toEqual([]);
    });
  }

  it('maps KSC detections to Detection Findings and other events to Base Events', () => {
    const classes = new Set(
      records['ksc.events'].flatMap((r) =>
        ocsf.map(r).map((d) => `${String(r.data['event_type'])}→${String(d['class_uid'])}`),
      ),
    );
    expect(classes).toContain('GNRL_EV_VIRUS_FOUND→2004');
    expect(classes).toContain('GNRL_EV_ATTACK_DETECTED→2004');
    expect(classes).toContain('KLPRCI_TaskState→0');
  });

  it('uses every class the brief names across the sources', () => {
    const uids = new Set(
      Object.values(records).flatMap((list) => list.flatMap((r) => ocsf.map(r).map((d) => d['class_uid']))),
    );
    for (const uid of [2004, 2002, 5001, 4001, 3004, 3002]) expect(uids).toContain(uid);
  });

  it('maps severities onto severity_id (KSC 4 → 5 Critical, KICS Warning → 3 Medium)', () => {
    const critical = records['ksc.events'].find((r) => r.data['GNRL_EA_SEVERITY'] === 4)!;
    expect(ocsf.map(critical)[0]).toMatchObject({ severity_id: 5, severity: 'Critical' });
    const warning = records['kics.events'].find((r) => r.data['severity'] === 'Warning')!;
    expect(ocsf.map(warning)[0]).toMatchObject({ severity_id: 3 });
  });

  it('keeps raw_data only when asked', () => {
    const record = records['kics.audit'][0]!;
    expect(JSON.parse(String(ocsf.map(record)[0]!['raw_data']))).toEqual(record.data);
    expect(createOcsfMapping().map(record)[0]!['raw_data']).toBeUndefined();
  });
});
