/**
 * CEF and LEEF from every source and every mapping (records from the emulators' generated worlds), read back by the
 * tests' own reader: the header names Kaspersky and the right product, the severity is on each format's scale, the
 * time is the record's, and a `raw` document says exactly what its `ecs` document says (both read through ECS).
 */
import { describe, expect, it } from 'vitest';
import { createMapping } from '../../../../src/intake/mappings/index.ts';
import { kicsSeverity, kscSeverity } from '../../../../src/intake/mappings/severity.ts';
import { cefSeverity, formatCef } from '../../../../src/intake/sinks/syslog/cef.ts';
import { eventViewOf } from '../../../../src/intake/sinks/syslog/event-view.ts';
import { formatLeef } from '../../../../src/intake/sinks/syslog/leef.ts';
import { SyslogSink } from '../../../../src/intake/sinks/syslog/sink.ts';
import type { IntakeRecord } from '../../../../src/intake/types.ts';
import { parseCef, parseLeef } from '../../../support/cef-leef.ts';
import { sampleRecords } from '../../mappings/support/records.ts';

const samples = sampleRecords();
const MAPPINGS = ['raw', 'ecs', 'ocsf', 'd3'] as const;

function productOf(record: IntakeRecord): string {
  return record.source.startsWith('kics.') ? 'KICS for Networks' : 'Security Center';
}

function levelOf(record: IntakeRecord): number {
  if (record.kind === 'gap') return -1;
  if (record.source === 'ksc.events') return kscSeverity(record.data['GNRL_EA_SEVERITY'] as number).level;
  if (record.source === 'kics.events') return kicsSeverity(record.data['severity'] as string).level;
  return -1;
}

describe('CEF and LEEF from every source and mapping', () => {
  for (const [source, records] of Object.entries(samples)) {
    it(`${source}: every document reads back as CEF and LEEF`, () => {
      let lines = 0;
      for (const name of MAPPINGS) {
        const mapping = createMapping(name);
        for (const record of records.slice(0, 300)) {
          for (const document of mapping.map(record)) {
            const view = eventViewOf(document);
            const cef = parseCef(formatCef(view));
            const leef = parseLeef(formatLeef(view));
            lines += 1;
            expect(cef.vendor).toBe('Kaspersky');
            expect(leef.vendor).toBe('Kaspersky');
            if (source !== 'gap' && name !== 'd3') expect(cef.product).toBe(productOf(record));
            expect(Number(cef.severity)).toBeGreaterThanOrEqual(0);
            expect(Number(cef.severity)).toBeLessThanOrEqual(10);
            expect(Number(leef.attributes['sev'])).toBeGreaterThanOrEqual(1);
            const level = levelOf(record);
            if (level >= 0 && name !== 'd3') expect(cef.severity).toBe(String(cefSeverity(level)));
            if (name !== 'd3' && record.source !== 'ksc.hosts' && record.source !== 'kics.devices') {
              expect(cef.extension['rt']).toBe(String(Date.parse(record.time)));
            }
          }
        }
      }
      expect(lines).toBeGreaterThan(0);
    });
  }

  it('a raw document gives the same CEF as its ECS document', () => {
    const raw = createMapping('raw');
    const ecs = createMapping('ecs');
    const records = [...samples['ksc.events'], ...samples['kics.events']].slice(0, 500);
    for (const record of records) {
      const [fromRaw] = raw.map(record);
      const [fromEcs] = ecs.map(record);
      expect(formatCef(eventViewOf(fromRaw!))).toBe(formatCef(eventViewOf(fromEcs!)));
    }
  });

  it('KICS network events carry their endpoints in standard keys', () => {
    const withCommunications = samples['kics.events'].find((record) => {
      const [first] = (record.data['communications'] ?? []) as Array<{
        source?: { ipAddress?: string | null };
        destination?: { ipAddress?: string | null };
      }>;
      return typeof first?.source?.ipAddress === 'string' && typeof first.destination?.ipAddress === 'string';
    });
    expect(withCommunications).toBeDefined();
    for (const name of ['raw', 'ecs', 'ocsf'] as const) {
      const [document] = createMapping(name).map(withCommunications!);
      const cef = parseCef(formatCef(eventViewOf(document!)));
      expect(cef.extension['src'], name).toMatch(/^[\d.:a-f]+$/);
      expect(cef.extension['dst'], name).toMatch(/^[\d.:a-f]+$/);
    }
  });
});

describe('the RFC 5424 PRI of JSON messages', () => {
  it('follows the severity of ECS, OCSF and D3 documents (local0: 128 + crit 2 … info 6)', () => {
    const sink = new SyslogSink({
      transport: { protocol: 'tcp', host: '127.0.0.1', port: 1, timeoutMs: 1 },
      format: 'json',
      maxMessageBytes: 8192,
      pipeline: 'p',
    });
    const critical = samples['ksc.events'].find((r) => r.data['GNRL_EA_SEVERITY'] === 4)!;
    const info = samples['ksc.events'].find((r) => r.data['GNRL_EA_SEVERITY'] === 1)!;
    for (const name of ['ecs', 'ocsf', 'd3'] as const) {
      const mapping = createMapping(name);
      const pri = (record: IntakeRecord) =>
        sink.message(mapping.map(record)[0]!, record.key, 0).toString('utf8').split('>')[0];
      expect(pri(critical), name).toBe('<130');
      expect(pri(info), name).toBe('<134');
    }
  });
});
