import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { hostAccounts } from '../../../src/emulator/ksc/users/accounts.ts';

type Params = Record<string, unknown>;

const has = (host: HostRecord, code: string): boolean => host.products.some((p) => p.name === code);

const KES = { strType: 'SS_SETTINGS', strProduct: 'KES', strVersion: '11.0.0.0' };
const AGENT_INFO = { strType: 'SS_PRODINFO', strProduct: '1103', strVersion: '1.0.0.0' };

describe.each(BACKENDS)('KSC emulator host settings storage (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let kesHost: HostRecord;
  let otherHost: HostRecord;
  let keslHost: HostRecord;
  let keslVersion: string;

  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
    const hosts = emu.ksc.world.hostsOf(0);
    const kes = hosts.filter((h) => has(h, 'KES'));
    kesHost = kes[0]!;
    otherHost = hosts.find((h) => !has(h, 'KES') && has(h, '1103'))!;
    expect(kes.length).toBeGreaterThan(1);
    expect(otherHost).toBeDefined();
    keslHost = hosts.find((h) => has(h, 'KESL'))!;
    keslVersion = keslHost.products.find((p) => p.name === 'KESL')!.version;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const read = (caller: KscCaller, hostId: string, where: Params, strSection: string) =>
    caller.call('HostGroup.SS_Read', { strHostName: hostId, ...where, strSection } as never);

  it('lists products, versions and sections of a host', async () => {
    const products = await admin.call('HostGroup.SS_GetNames', {
      strHostName: kesHost.id,
      strType: 'SS_SETTINGS',
      strProduct: '',
      strVersion: '',
    });
    expect(products['PxgRetVal']).toEqual(expect.arrayContaining(['1103', 'KES']));
    const versions = await admin.call('HostGroup.SS_GetNames', {
      strHostName: kesHost.id,
      strType: 'SS_SETTINGS',
      strProduct: 'KES',
      strVersion: '',
    });
    expect(versions['PxgRetVal']).toEqual(['11.0.0.0']);
    const sections = await admin.call('HostGroup.SS_GetNames', { strHostName: kesHost.id, ...KES });
    expect(sections['PxgRetVal']).toEqual(['NetworkSettings']);
  });

  it('reads the KES network settings in the shape of Get Open Ports, the same for every read', async () => {
    const reply = await read(admin, kesHost.id, KES, 'NetworkSettings');
    const settings = reply['PxgRetVal'] as Params;
    expect(Object.keys(settings).sort()).toEqual(['customRootCA', 'portsMonitoring', 'trafficDecoding']);
    expect(settings['customRootCA']).toEqual({ certificates: [] });
    const monitoring = settings['portsMonitoring'] as Params;
    expect(monitoring['allPorts']).toBe(false);
    expect(monitoring['includesSettings']).toEqual({ enabled: true, includes: [], useTrafmonIncludes: true });
    const ports = monitoring['ports'] as Params[];
    expect(ports).toContainEqual({ description: 'FTP', enabled: true, port: 21 });
    for (const port of ports) {
      expect(typeof port['port']).toBe('number');
      expect(typeof port['description']).toBe('string');
      expect(typeof port['enabled']).toBe('boolean');
    }
    const decoding = settings['trafficDecoding'] as Params;
    expect(decoding['decodingMode']).toBe(1);
    expect(decoding['domainExclusions']).toEqual([]);
    expect(await read(admin, kesHost.id, KES, 'NetworkSettings')).toEqual(reply);
  });

  it('reads the accounts the Network Agent reports, keyed as in Get User By IP', async () => {
    const reply = await read(admin, kesHost.id, AGENT_INFO, 'KLNAG_ACCNTS');
    const accounts = (reply['PxgRetVal'] as Params)['KLNAG_ACCNTS_ACCOUNTS'] as Record<string, Params>;
    const expected = hostAccounts(kesHost);
    expect(Object.keys(accounts).sort()).toEqual(expected.map((a) => a.key).sort());
    for (const account of expected) {
      const got = accounts[account.key]!;
      expect(got['KLNAG_ACCNTS_DN']).toBe(account.dn);
      expect(got['KLNAG_ACCNTS_SAM']).toBe(account.sam);
      expect(got['KLNAG_ACCNTS_IFUSER']).toBe(true);
      expect(got['KLNAG_ACCNTS_SID']).toBeInstanceOf(Uint8Array);
      expect([...(got['KLNAG_ACCNTS_SID'] as Uint8Array)]).toEqual([...account.sid]);
    }
  });

  it('answers a missing section, product or version with "Parameter with name … not exist"', async () => {
    const section = await failure(read(admin, kesHost.id, KES, 'xx'));
    expect(section.pxgMessage).toBe('Parameter with name "xx" not exist');
    const product = await failure(read(admin, otherHost.id, KES, 'NetworkSettings'));
    expect(product.pxgMessage).toBe('Parameter with name "KES" not exist');
    const version = await failure(
      read(admin, kesHost.id, { ...KES, strVersion: '9.9.9.9' }, 'NetworkSettings'),
    );
    expect(version.pxgMessage).toBe('Parameter with name "9.9.9.9" not exist');
    const type = await failure(read(admin, kesHost.id, { ...KES, strType: 'SS_NOPE' }, 'NetworkSettings'));
    expect(type.pxgMessage).toBe('Bad parameter "strType"');
  });

  it('confines hosts to the caller virtual server and answers unknown hosts', async () => {
    const branch = emu.ksc.world.vserverByName('vs-branch')!;
    const foreign = emu.ksc.world.hostsOf(branch.id).find((h) => has(h, 'KES'))!;
    const error = await failure(read(admin, foreign.id, KES, 'NetworkSettings'));
    expect(error.pxgMessage).toBe(`Unknown name of device '${foreign.id}'`);
    const branchAdmin = await emu.session('admin', 'vs-branch');
    const reply = await read(branchAdmin, foreign.id, KES, 'NetworkSettings');
    expect(reply['PxgRetVal']).toHaveProperty('portsMonitoring');
  });

  it('writes with the five nOption modes and keeps what was written', async () => {
    const host = kesHost.id;
    const write = (nOption: number, pSettings: Params) =>
      admin.call('HostGroup.SS_Write', {
        strHostName: host,
        ...KES,
        strSection: 'NetworkSettings',
        nOption,
        pSettings,
      } as never);
    const now = async () => (await read(admin, host, KES, 'NetworkSettings'))['PxgRetVal'] as Params;

    await write(3, { extra: 'added', customRootCA: { certificates: ['cert-a'] } });
    expect((await now())['extra']).toBe('added');
    expect((await now())['customRootCA']).toEqual({ certificates: ['cert-a'] });

    await write(1, { extra: 'updated' });
    expect((await now())['extra']).toBe('updated');
    const update = await failure(write(1, { missing: 1 }));
    expect(update.pxgMessage).toBe('Parameter with name "missing" not exist');

    await write(2, { second: 2 });
    expect((await now())['second']).toBe(2);
    const add = await failure(write(2, { second: 3 }));
    expect(add.pxgCode).toBe(1193);

    await write(4, { second: 0 });
    expect(await now()).not.toHaveProperty('second');

    const bad = await failure(write(5, {}));
    expect(bad.pxgMessage).toBe('Bad parameter "nOption"');

    await write(7, { only: true });
    expect(await now()).toEqual({ only: true });
    // Another KES host keeps its defaults: writes are per host.
    const other = emu.ksc.world.hostsOf(0).filter((h) => has(h, 'KES'))[1]!;
    expect((await read(admin, other.id, KES, 'NetworkSettings'))['PxgRetVal']).toHaveProperty(
      'portsMonitoring',
    );
  });

  it('creates and deletes sections, and refuses writes to product data', async () => {
    // KESL has no default settings sections (Network Agent has its own since decision 0060).
    const where = {
      strHostName: keslHost.id,
      strType: 'SS_SETTINGS',
      strProduct: 'KESL',
      strVersion: keslVersion,
    };
    await admin.call('HostGroup.SS_CreateSection', { ...where, strSection: 'Custom' });
    const names = await admin.call('HostGroup.SS_GetNames', where);
    expect(names['PxgRetVal']).toEqual(['Custom']);
    const twice = await failure(admin.call('HostGroup.SS_CreateSection', { ...where, strSection: 'Custom' }));
    expect(twice.pxgCode).toBe(1193);
    await admin.call('HostGroup.SS_Write', {
      ...where,
      strSection: 'Custom',
      nOption: 3,
      pSettings: { a: 1n },
    });
    const content = await admin.call('HostGroup.SS_Read', { ...where, strSection: 'Custom' });
    expect(content['PxgRetVal']).toEqual({ a: 1n });
    await admin.call('HostGroup.SS_DeleteSection', { ...where, strSection: 'Custom' });
    expect((await admin.call('HostGroup.SS_GetNames', where))['PxgRetVal']).toEqual([]);
    const gone = await failure(admin.call('HostGroup.SS_DeleteSection', { ...where, strSection: 'Custom' }));
    expect(gone.pxgMessage).toBe('Parameter with name "Custom" not exist');
    const writeMissing = await failure(
      admin.call('HostGroup.SS_Write', { ...where, strSection: 'Custom', nOption: 3, pSettings: {} }),
    );
    expect(writeMissing.pxgMessage).toBe('Parameter with name "Custom" not exist');

    const info = { strHostName: otherHost.id, ...AGENT_INFO, strSection: 'KLNAG_ACCNTS' };
    const refused = await failure(
      admin.call('HostGroup.SS_Write', { ...info, nOption: 3, pSettings: { x: 1 } }),
    );
    expect(refused.pxgCode).toBe(1193);
  });

  it('needs Basic functionality Read to read, Write to write, and the Managed devices scope', async () => {
    const reader = await emu.session('reader');
    const args = { strHostName: otherHost.id, ...AGENT_INFO, strSection: 'KLNAG_ACCNTS' };
    expect(await reader.call('HostGroup.SS_Read', args)).toHaveProperty('PxgRetVal');
    const write = await failure(
      reader.call('HostGroup.SS_Write', { ...args, strType: 'SS_SETTINGS', nOption: 3, pSettings: {} }),
    );
    expect([write.pxgCode, write.pxgMessage]).toEqual([1184, 'Access denied']);
    for (const user of ['no-rights', 'server-only']) {
      const caller = await emu.session(user);
      const denied = await failure(caller.call('HostGroup.SS_Read', args));
      expect([denied.pxgCode, denied.pxgMessage]).toEqual([1184, 'Access denied']);
    }
  });

  it('forgets written settings when the world is reset', async () => {
    // KESL has no default settings sections (Network Agent has its own since decision 0060).
    const where = {
      strHostName: keslHost.id,
      strType: 'SS_SETTINGS',
      strProduct: 'KESL',
      strVersion: keslVersion,
    };
    await admin.call('HostGroup.SS_CreateSection', { ...where, strSection: 'BeforeReset' });
    const reset = await emu.control('POST', '/__emulator/reset');
    expect(reset.status).toBe(200);
    const fresh = await emu.session();
    expect((await fresh.call('HostGroup.SS_GetNames', where))['PxgRetVal']).toEqual([]);
  });
});
