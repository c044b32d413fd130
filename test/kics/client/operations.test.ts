/**
 * Every operation of the KICS client once, against the emulator over HTTPS with mutual TLS and real tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KICS_OPERATIONS, KicsApiError, type KicsClient } from '../../../src/kics/client/index.ts';
import { IncorrectParametersError } from '../../../src/kics/query/index.ts';
import { startClientHarness, type ClientHarness } from './harness.ts';

describe('KICS client: the 33 operations', () => {
  let harness: ClientHarness;
  let kics: KicsClient;
  const called = new Set<string>();
  beforeAll(async () => {
    harness = await startClientHarness();
    kics = await harness.client();
  });
  afterAll(async () => {
    await kics.close();
    await harness.close();
  });
  const mark = (...names: string[]): void => names.forEach((name) => called.add(name));

  it('reads the server facts and dictionaries', async () => {
    const about = await kics.about();
    expect(typeof about.version).toBe('string');
    expect((await kics.license()).productName).toEqual(expect.any(String));
    expect((await kics.locale()).localization).toEqual(expect.any(String));
    expect(typeof (await kics.configuration()).forwardAppMessages).toBe('boolean');
    expect((await kics.technologies()).length).toBeGreaterThan(0);
    const types = await kics.eventTypes();
    expect((await kics.getEventType(types[0]!.eventTypeId)).eventTypeId).toBe(types[0]!.eventTypeId);
    const points = await kics.monitoringPoints();
    expect((await kics.getMonitoringPoint(points[0]!.mpId)).mpId).toBe(points[0]!.mpId);
    const stacks = await kics.protocolStacks();
    expect((await kics.getProtocolStack(stacks[0]!.protocolStackId)).name).toBe(stacks[0]!.name);
    const health = await kics.checkHealth();
    expect(health.server?.version).toBe(about.version);
    mark('about', 'license', 'locale', 'configuration', 'technologies', 'eventTypes', 'getEventType');
    mark('monitoringPoints', 'getMonitoringPoint', 'protocolStacks', 'getProtocolStack');
  });

  it('queries, reads, creates, edits and removes devices', async () => {
    const page = await kics.queryDevices({ filter: [{ field: 'status', value: 'Recognized' }], limit: 5 });
    expect(page.values.length).toBeGreaterThan(0);
    expect(page.values.every((device) => device.status === 'Recognized')).toBe(true);
    const first = page.values[0]!;
    expect((await kics.getDevice(first.id)).name).toBe(first.name);
    expect(Array.isArray(await kics.deviceProtocols(first.id))).toBe(true);
    const created = await kics.createDevice({
      name: 'kconnect-client-test-device',
      addressInformation: [{ macAddress: '02:00:00:00:00:42', ipAddresses: [{ ip: '10.99.0.42' }] }],
      category: 'Plc',
    });
    expect(created.status).toBe('Created');
    const edited = await kics.updateDevice(created.deviceId, {
      status: 'Unauthorized',
      description: 'edited',
    });
    expect(edited.status).toBe('Updated');
    expect((await kics.getDevice(created.deviceId)).status).toBe('Unauthorized');
    const refused = await kics
      .updateDevice(created.deviceId, { addressInformation: [{ macAddress: 'zz', ipAddresses: [] }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KicsApiError);
    expect((refused as KicsApiError).status).toBe(400);
    expect((refused as KicsApiError).operation).toBe('updateDevice');
    expect((refused as KicsApiError).errors.join(' ')).toMatch(/macAddress/);
    await kics.deleteDevice(created.deviceId);
    const gone = await kics.getDevice(created.deviceId).catch((error: unknown) => error);
    expect(gone).toMatchObject({
      name: 'KicsApiError',
      status: 404,
      code: 'NOT_FOUND',
      operation: 'getDevice',
    });
    expect((gone as KicsApiError).errorMessage).toEqual(expect.any(String));
    mark('queryDevices', 'getDevice', 'deviceProtocols', 'createDevice', 'updateDevice', 'deleteDevice');
  });

  it('queries, reads, edits and registers events, and downloads their traffic', async () => {
    const page = await kics.queryEvents({ limit: 50, sort: [{ column: 'id', order: 'desc' }] });
    expect(page.values.length).toBe(50);
    const event = page.values[0]!;
    expect((await kics.getEvent(event.id)).id).toBe(event.id);
    await kics.updateEvent(event.id, { status: 'Active', mark: 3 });
    expect(await kics.getEvent(event.id)).toMatchObject({ status: 'Active', mark: 3 });
    const registered = await kics.registerEvent({ title: 'kconnect client test', severity: 'Warning' });
    expect((await kics.getEvent(registered.eventId)).title).toBe('kconnect client test');

    const zip = await kics.eventsTraffic({ limit: 50, sort: [{ column: 'id', order: 'desc' }] });
    expect(zip.contentType).toMatch(/zip/);
    expect(Buffer.from(zip.bytes.subarray(0, 2)).toString('latin1')).toBe('PK');
    const streamed = await kics.eventsTrafficStream({ limit: 50, sort: [{ column: 'id', order: 'desc' }] });
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(zip.bytes))).toBe(true);
    expect(streamed.fileName).toBe(zip.fileName);
    let pcapSeen = false;
    for (const candidate of page.values) {
      try {
        const pcap = await kics.eventTraffic(candidate.id);
        expect(pcap.fileName).toMatch(/\.pcap$/);
        expect(pcap.bytes.length).toBeGreaterThan(24);
        pcapSeen = true;
        break;
      } catch (error) {
        expect(error).toMatchObject({ status: 404 });
      }
    }
    expect(pcapSeen).toBe(true);
    mark('queryEvents', 'getEvent', 'updateEvent', 'registerEvent', 'eventsTraffic', 'eventTraffic');
  });

  it('reads and edits allowing rules, logs, tags and vulnerabilities', async () => {
    const rules = await kics.queryAllowRules({ limit: 5 });
    const rule = rules.values[0]!;
    expect((await kics.getAllowRule(rule.id)).id).toBe(rule.id);
    await kics.updateAllowRule(rule.id, { isActive: !rule.isActive });
    expect((await kics.getAllowRule(rule.id)).isActive).toBe(!rule.isActive);
    await kics.deleteAllowRule(rule.id);
    await expect(kics.getAllowRule(rule.id)).rejects.toMatchObject({ status: 404 });
    expect((await kics.queryApplicationMessages({ limit: 3 })).values.length).toBeGreaterThan(0);
    expect((await kics.queryAuditMessages({ limit: 3 })).values.length).toBeGreaterThan(0);
    const tags = await kics.queryTags({ limit: 3 });
    expect((await kics.getTag(tags.values[0]!.id)).id).toBe(tags.values[0]!.id);
    const vulnerabilities = await kics.queryVulnerabilities({ limit: 3 });
    const vulnerability = vulnerabilities.values[0]!;
    expect((await kics.getVulnerability(vulnerability.assetVulnerabilityId)).cveId).toBe(vulnerability.cveId);
    mark('queryAllowRules', 'getAllowRule', 'updateAllowRule', 'deleteAllowRule', 'queryApplicationMessages');
    mark('queryAuditMessages', 'queryTags', 'getTag', 'queryVulnerabilities', 'getVulnerability');
  });

  it('refuses a bad filter before any request, naming the parameter', async () => {
    const error = await kics
      .queryDevices({ filter: [{ field: 'colour', value: 'red' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(IncorrectParametersError);
    expect((error as IncorrectParametersError).parameter).toBe('filter[0].field');
    expect((error as IncorrectParametersError).code).toBe('INVALID_INPUT');
  });

  it('called every operation of the table', () => {
    expect(Object.keys(KICS_OPERATIONS)).toHaveLength(33);
    expect([...called].sort()).toEqual(Object.keys(KICS_OPERATIONS).sort());
  });
});
