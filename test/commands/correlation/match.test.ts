import { describe, expect, it } from 'vitest';
import {
  bestMatchOf,
  matchAssets,
  SAME_TIME_WINDOW_MS,
  type ItHost,
  type OtDevice,
} from '../../../src/commands/correlation/match.ts';

const NOW = Date.parse('2026-01-31T08:00:00Z');
const HOUR = 3_600_000;

const device = (over: Partial<OtDevice> = {}): OtDevice => ({
  id: 1,
  name: 'EWS-01',
  networkName: null,
  macs: ['02:aa:bb:cc:dd:ee'],
  ips: ['10.1.0.5'],
  lastSeen: NOW,
  ...over,
});
const host = (over: Partial<ItHost> = {}): ItHost => ({
  id: 'h-1',
  displayName: 'EWS-01',
  otherNames: ['ews-01.corp.example', 'EWS-01'],
  macs: [],
  ips: ['10.1.0.5'],
  lastSeen: NOW - HOUR,
  ...over,
});

describe('matchAssets', () => {
  it('same IP seen at the same time and the same name: high, with both pieces of evidence', () => {
    const [m, ...rest] = matchAssets([device()], [host()]);
    expect(rest).toEqual([]);
    expect(m).toEqual({
      deviceId: 1,
      hostId: 'h-1',
      confidence: 'high',
      ambiguous: false,
      evidence: [
        { kind: 'ip', ip: '10.1.0.5', atSameTime: true, lastSeenApartSeconds: 3600 },
        { kind: 'name', name: 'ews-01' },
      ],
    });
  });

  it('the same MAC alone is high, whatever the spelling', () => {
    const [m] = matchAssets(
      [device({ name: 'x', ips: [] })],
      [host({ displayName: 'y', otherNames: [], ips: [], macs: ['02-AA-BB-CC-DD-EE'] })],
    );
    expect(m?.confidence).toBe('high');
    expect(m?.evidence).toEqual([{ kind: 'mac', mac: '02:aa:bb:cc:dd:ee' }]);
  });

  it('the same IP at the same time alone is medium; seen apart beyond the window it is low', () => {
    const other = { displayName: 'OTHER', otherNames: [] };
    expect(matchAssets([device()], [host(other)])[0]?.confidence).toBe('medium');
    const apart = matchAssets(
      [device()],
      [host({ ...other, lastSeen: NOW - SAME_TIME_WINDOW_MS - 1000 })],
    )[0];
    expect(apart?.confidence).toBe('low');
    expect(apart?.evidence[0]).toMatchObject({ kind: 'ip', atSameTime: false });
    const unknown = matchAssets([device({ lastSeen: null })], [host(other)])[0];
    expect(unknown?.evidence[0]).toMatchObject({ atSameTime: false, lastSeenApartSeconds: null });
  });

  it('a name matches the FQDN’s host part; a name alone is low, with an old IP medium', () => {
    const onlyName = matchAssets(
      [device({ name: 'ews-01.plant.local', ips: ['192.168.5.5'] })],
      [host({ displayName: 'Engineering', otherNames: ['ews-01.corp.example'] })],
    )[0];
    expect(onlyName).toMatchObject({ confidence: 'low', evidence: [{ kind: 'name', name: 'ews-01' }] });
    const old = matchAssets([device()], [host({ lastSeen: NOW - 3 * SAME_TIME_WINDOW_MS })])[0];
    expect(old?.confidence).toBe('medium');
  });

  it('no shared evidence, no match; an IP is not a name', () => {
    expect(
      matchAssets([device({ name: '10.9.9.9', ips: [] })], [host({ displayName: '10.9.9.9', ips: [] })]),
    ).toEqual([]);
  });

  it('several candidates at the best confidence are ambiguous, never picked; a weaker one is not', () => {
    const matches = matchAssets(
      [
        device({ id: 1 }),
        device({ id: 2 }),
        device({ id: 3, name: 'other', ips: ['10.1.0.5'], lastSeen: null }),
      ],
      [host()],
    );
    expect(matches.map((m) => [m.deviceId, m.confidence, m.ambiguous])).toEqual([
      [1, 'high', true],
      [2, 'high', true],
      [3, 'low', false],
    ]);
    expect(bestMatchOf(matches, { hostId: 'h-1' })).toMatchObject({ ambiguous: true, others: 1 });
    expect(bestMatchOf(matches, { deviceId: 3 })).toMatchObject({ ambiguous: false, others: 0 });
    expect(bestMatchOf(matches, { deviceId: 9 })).toBeUndefined();
  });
});
