import { describe, expect, it } from 'vitest';
import { createEcsMapping } from '../../../src/intake/mappings/index.ts';
import { ecsProblems } from './support/ecs-fields.ts';
import { sampleRecords } from './support/records.ts';

const records = sampleRecords();
const ecs = createEcsMapping({ original: true });

describe('the ecs mapping', () => {
  for (const [source, list] of Object.entries(records)) {
    it(`emits only defined ECS fields of the right types and allowed values for ${source}`, () => {
      expect(list.length).toBeGreaterThan(0);
      const problems = new Set<string>();
      for (const record of list) {
        for (const document of ecs.map(record))
          for (const problem of ecsProblems(document)) problems.add(problem);
      }
      expect([...problems]).toEqual([]);
    });
  }

  it('maps a KSC detection to an alert with its file, threat, user and host', () => {
    const detection = records['ksc.events'].find((r) => r.data['event_type'] === 'GNRL_EV_VIRUS_FOUND')!;
    const [document] = ecs.map(detection);
    expect(document).toMatchObject({
      '@timestamp': detection.data['rise_time'],
      event: {
        kind: 'alert',
        category: ['malware'],
        code: 'GNRL_EV_VIRUS_FOUND',
        severity: 4,
        dataset: 'ksc.events',
      },
      file: { path: detection.data['GNRL_EA_PARAM_1'] },
      threat: { software: { name: detection.data['GNRL_EA_PARAM_2'] } },
      host: { id: detection.data['hostname'], name: detection.data['hostdn'] },
    });
    expect(JSON.parse(String((document!['event'] as Record<string, unknown>)['original']))).toEqual(
      detection.data,
    );
  });

  it('maps a KSC network attack to source.ip in dotted form and the attacked port', () => {
    const attack = records['ksc.events'].find((r) => r.data['event_type'] === 'GNRL_EV_ATTACK_DETECTED')!;
    const [document] = ecs.map(attack);
    expect(String(attack.data['GNRL_EA_DESCRIPTION'])).toContain(
      String((document!['source'] as Record<string, unknown>)['ip']),
    );
    expect((document!['destination'] as Record<string, unknown>)['port']).toBe(
      Number(attack.data['GNRL_EA_PARAM_4']),
    );
  });

  it('maps a KICS event with communications to source/destination and related.ip', () => {
    const event = records['kics.events'].find((r) => {
      const first = (r.data['communications'] as Array<Record<string, Record<string, unknown>>>)[0];
      return first?.['source']?.['ipAddress'] != null && first['destination']?.['ipAddress'] != null;
    })!;
    const [document] = ecs.map(event);
    const communication = (
      event.data['communications'] as Array<Record<string, Record<string, unknown>>>
    )[0]!;
    expect(document).toMatchObject({
      event: { kind: 'alert', id: String(event.data['id']) },
      source: { ip: communication['source']!['ipAddress'] },
      destination: { ip: communication['destination']!['ipAddress'] },
    });
  });

  it('leaves event.original out unless asked', () => {
    const [document] = createEcsMapping().map(records['kics.audit'][0]!);
    expect((document!['event'] as Record<string, unknown>)['original']).toBeUndefined();
  });
});
