import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsGetVulnerability } from '../../../src/commands/kics/get-vulnerability.ts';
import { kicsListVulnerabilities } from '../../../src/commands/kics/list-vulnerabilities.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { Vulnerability } from '../../../src/kics/model.ts';
import { expectRefusedBeforeAnyRequest } from './before-any-request.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

interface VulnerabilityRecord {
  readonly id: number;
  readonly cveId: string;
  readonly cvsScore: number;
  readonly cvssRating: string;
  readonly state: string;
  readonly deviceId: number;
  readonly deviceName: string;
  readonly deviceAddress: string;
  readonly lastDetected: string;
}

describe('kics_list_vulnerabilities and kics_get_vulnerability', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let every: Vulnerability[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 300, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    // Everything the server holds, read straight through the client, to compare the command with.
    every = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await kics.queryVulnerabilities({ offset, limit: 1000 });
      every.push(...page.values);
      if (page.values.length < 1000) break;
    }
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every entry sorted by id, with the CVSS rating in words', async () => {
    expect(every.length).toBeGreaterThan(20);
    const result = await h.run(kicsListVulnerabilities, { limit: 100_000 });
    expect(result.status).toBe('Successful');
    const ids = [...every.map((v) => v.assetVulnerabilityId)].sort((a, b) => a - b);
    expect(result.keyFields['VulnerabilityIds']).toEqual(ids);
    expect(result.keyFields['VulnerabilitiesCount']).toBe(every.length);
    expect(result.keyFields['MoreAvailable']).toBe(false);
    for (const r of result.context as unknown as VulnerabilityRecord[]) {
      const expected =
        r.cvsScore >= 9 ? 'Critical' : r.cvsScore >= 7 ? 'High' : r.cvsScore >= 4 ? 'Medium' : 'Low';
      expect(r.cvssRating, r.cveId).toBe(expected);
    }
  });

  it('pages with offset and limit and says when more are there', async () => {
    const ids = [...every.map((v) => v.assetVulnerabilityId)].sort((a, b) => a - b);
    const page = await h.run(kicsListVulnerabilities, { offset: 3, limit: 5 });
    expect(page.keyFields['VulnerabilityIds']).toEqual(ids.slice(3, 8));
    expect(page.keyFields['MoreAvailable']).toBe(true);
    const last = await h.run(kicsListVulnerabilities, { offset: ids.length - 2, limit: 5 });
    expect(last.keyFields['VulnerabilityIds']).toEqual(ids.slice(-2));
    expect(last.keyFields['MoreAvailable']).toBe(false);
  });

  it('filters by CVE, score, state, device and detection time', async () => {
    const sorted = (list: Vulnerability[]) => list.map((v) => v.assetVulnerabilityId).sort((a, b) => a - b);
    const cve = every[0]!.cveId;
    const byCve = await h.run(kicsListVulnerabilities, { cve: cve.toLowerCase(), limit: 100_000 });
    expect(byCve.keyFields['VulnerabilityIds']).toEqual(sorted(every.filter((v) => v.cveId === cve)));
    expect(byCve.keyFields['Cves']).toEqual([cve]);

    const severe = await h.run(kicsListVulnerabilities, { minCvsScore: 7, limit: 100_000 });
    expect(severe.keyFields['VulnerabilityIds']).toEqual(sorted(every.filter((v) => v.cvsScore >= 7)));

    const states = [...new Set(every.map((v) => v.state))];
    const byState = await h.run(kicsListVulnerabilities, { state: [states[0]!], limit: 100_000 });
    expect(byState.keyFields['VulnerabilityIds']).toEqual(sorted(every.filter((v) => v.state === states[0])));

    const device = every[every.length - 1]!;
    const byName = await h.run(kicsListVulnerabilities, { deviceName: device.assetName, limit: 100_000 });
    expect(byName.keyFields['DeviceIds']).toEqual([device.assetId]);
    const byAddress = await h.run(kicsListVulnerabilities, {
      deviceAddress: device.assetAddress,
      limit: 100_000,
    });
    expect(byAddress.keyFields['VulnerabilityIds']).toEqual(
      sorted(every.filter((v) => v.assetAddress === device.assetAddress)),
    );

    const times = every.map((v) => v.lastDetected).sort();
    const middle = times[Math.floor(times.length / 2)]!;
    const recent = await h.run(kicsListVulnerabilities, { detectedSince: middle, limit: 100_000 });
    expect(recent.keyFields['VulnerabilityIds']).toEqual(
      sorted(every.filter((v) => Date.parse(v.lastDetected) >= Date.parse(middle))),
    );
  });

  it('fails a bad filter before any request, naming the field', async () => {
    await expectRefusedBeforeAnyRequest(
      h,
      kicsListVulnerabilities,
      [
        [{ cve: 'CVE-21-1' }, 'cve'],
        [{ minCvsScore: 11 }, 'minCvsScore'],
        [{ state: [] }, 'state'],
        [{ deviceAddress: '10.0.0.300' }, 'deviceAddress'],
        [{ detectedSince: 'last week' }, 'detectedSince'],
        [{ offset: -1 }, 'offset'],
      ],
      {},
    );
  });

  it('reads one entry with the same facts the list gives', async () => {
    const v = every.find((e) => e.otherAssets.length > 0) ?? every[0]!;
    const result = await h.run(kicsGetVulnerability, { vulnerabilityId: v.assetVulnerabilityId });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toMatchObject({
      VulnerabilityId: v.assetVulnerabilityId,
      Cve: v.cveId,
      CvsScore: v.cvsScore,
      State: v.state,
      DeviceId: v.assetId,
      DeviceName: v.assetName,
      OtherDeviceIds: v.otherAssets.map((a) => a.assetId),
    });
    const context = result.context as { vulnerability: { mitigations: unknown[] } };
    expect(context.vulnerability.mitigations).toEqual(v.mitigations);
  });

  it('fails with 404 for an entry that does not exist, and with 400 for an id that cannot be one', async () => {
    const missing = await h.run(kicsGetVulnerability, { vulnerabilityId: 987654 });
    expect(missing.status).toBe('Failed');
    expect(missing.errors[0]).toMatchObject({
      failureIndicator: 'KICS Get Vulnerability failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    const bad = await h.run(kicsGetVulnerability, { vulnerabilityId: 0 });
    expect(bad.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(bad.errors[0]?.message).toContain('(vulnerabilityId)');
  });
});
