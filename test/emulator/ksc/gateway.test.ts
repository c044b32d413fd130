import { Buffer } from 'node:buffer';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  failure,
  KscCaller,
  rawPost,
  startTestEmulator,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;
const WRONG_ITEM = "Wrong identificator of the list's item.";

/** Method-level binary values come back as base64 (no type word). */
const bytes = (value: unknown): Buffer => Buffer.from(String(value), 'base64');

describe.each(BACKENDS)('KSC emulator CgwHelper, GatewayConnection, NagNetworkListApi (%s)', (backend) => {
  let emu: TestEmulator;
  let branch: KscCaller;
  let item: Item;
  const agents: http.Agent[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    // In the test world, the virtual server's hosts are the ones with quarantined files.
    branch = await emu.session('admin', 'vs-branch');
    const items = await branch.viewAll('Quarantine', {
      fields: [
        'nId',
        'strId',
        'strHostName',
        'szFileTitle',
        'QBObjSize',
        'strListProductName',
        'strListProductVersion',
      ],
      order: [{ Name: 'nId', Asc: true }],
    });
    expect(items.length).toBeGreaterThan(1);
    item = items[0]!;
  });
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await emu?.stop();
  });

  async function gatewayKey(hostName: string): Promise<string> {
    const location = (await branch.call('CgwHelper.GetNagentLocation', { wsHostName: hostName }))[
      'PxgRetVal'
    ];
    const reply = await branch.call('GatewayConnection.PrepareGatewayConnection', {
      pLocations: [location as Record<string, string>],
    });
    return reply['wstrAuthKey'] as string;
  }

  /** Logs in on one keep-alive connection with `KSCGW <key>`, as KlAkOAPI's gateway does. */
  async function gateway(key: string): Promise<{ status: number; caller: KscCaller }> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const login = await rawPost(emu.url, '/api/v1.0/login', '', { Authorization: `KSCGW ${key}` }, agent);
    return { status: login.status, caller: new KscCaller(emu.url, {}, agent) };
  }

  const fileArgs = () => ({ listName: 'Quarantine', itemId: item['strId'] as string });

  it("reads a quarantined file from the host's Network Agent through a gateway connection", async () => {
    const { status, caller } = await gateway(await gatewayKey(item['strHostName'] as string));
    expect(status).toBe(200);

    const info = await caller.call('NagNetworkListApi.GetListItemFileInfo', {
      ...fileArgs(),
      bNeedPacked: false,
    });
    expect(info['PxgRetVal']).toBe(0);
    expect(info['pFileInfo']).toEqual({
      KLNLST_FILE_NAME: item['szFileTitle'],
      KLNLST_TOTAL_SIZE: item['QBObjSize'],
    });
    const size = Number(item['QBObjSize']);

    const whole = bytes(
      (
        await caller.call('NagNetworkListApi.GetListItemFileChunk', {
          ...fileArgs(),
          bNeedPacked: false,
          ulStartPos: 0,
          lBytesToRead: size + 100,
        })
      )['pChunk'],
    );
    expect(whole.length).toBe(size);
    // In pieces, as clients download (an odd size, so pieces straddle the generator's blocks): the same bytes.
    const piece = Math.ceil(size / 7) + 3;
    const pieces: Buffer[] = [];
    for (let pos = 0; pos < size; pos += piece) {
      const reply = await caller.call('NagNetworkListApi.GetListItemFileChunk', {
        ...fileArgs(),
        bNeedPacked: false,
        ulStartPos: pos,
        lBytesToRead: piece,
      });
      pieces.push(bytes(reply['pChunk']));
    }
    expect(Buffer.concat(pieces).equals(whole)).toBe(true);
    const past = await caller.call('NagNetworkListApi.GetListItemFileChunk', {
      ...fileArgs(),
      bNeedPacked: false,
      ulStartPos: size,
      lBytesToRead: 10,
    });
    expect(bytes(past['pChunk']).length).toBe(0);

    // The packed form: the emulator's header, then the file.
    const product = {
      productName: item['strListProductName'] as string,
      productVersion: item['strListProductVersion'] as string,
    };
    const packedInfo = await caller.call('NagNetworkListApi.GetListItemFileInfo2', {
      ...fileArgs(),
      ...product,
      bNeedPacked: true,
      pOptions: {},
    });
    const packedSize = (packedInfo['pFileInfo'] as Item)['KLNLST_TOTAL_SIZE'] as number;
    expect(packedSize).toBe(size + 8);
    const packed = bytes(
      (
        await caller.call('NagNetworkListApi.GetListItemFileChunk2', {
          ...fileArgs(),
          ...product,
          pOptions: {},
          bNeedPacked: true,
          ulStartPos: 0,
          lBytesToRead: packedSize,
        })
      )['pChunk'],
    );
    expect(packed.subarray(0, 8).toString('latin1')).toBe('KLNLPCK\u0000');
    expect(packed.subarray(8).equals(whole)).toBe(true);

    // Another product holds no such item; nor does another list, nor an unknown id.
    const otherProduct = await failure(
      caller.call('NagNetworkListApi.GetListItemFileInfo2', {
        ...fileArgs(),
        productName: 'KES',
        productVersion: '0.0.0.0',
        bNeedPacked: false,
        pOptions: {},
      }),
    );
    expect(otherProduct.pxgMessage).toBe(WRONG_ITEM);
    const unknown = await failure(
      caller.call('NagNetworkListApi.GetListItemFileInfo', {
        listName: 'Quarantine',
        itemId: '999999',
        bNeedPacked: false,
      }),
    );
    expect(unknown.pxgMessage).toBe(WRONG_ITEM);
    const badList = await failure(
      caller.call('NagNetworkListApi.GetListItemFileInfo', {
        ...fileArgs(),
        listName: 'Nope',
        bNeedPacked: false,
      }),
    );
    expect(badList.pxgCode).toBe(1187);

    // A gateway connection reaches the agent, not the server's classes.
    const serverCall = await failure(caller.call('HostGroup.GroupIdGroups', {}));
    expect(serverCall.pxgCode).toBe(1194);
  });

  it('gives the same file on a second connection (deterministic by seed)', async () => {
    const read = async (): Promise<Buffer> => {
      const { caller } = await gateway(await gatewayKey(item['strHostName'] as string));
      const reply = await caller.call('NagNetworkListApi.GetListItemFileChunk', {
        ...fileArgs(),
        bNeedPacked: false,
        ulStartPos: 0,
        lBytesToRead: 64,
      });
      return bytes(reply['pChunk']);
    };
    expect((await read()).equals(await read())).toBe(true);
  });

  it('keeps the key one-time and valid for 60 seconds', async () => {
    const key = await gatewayKey(item['strHostName'] as string);
    expect((await gateway(key)).status).toBe(200);
    expect((await gateway(key)).status).toBe(401);

    const late = await gatewayKey(item['strHostName'] as string);
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    expect((await gateway(late)).status).toBe(401);
  });

  it('holds a gateway session through Session.StartSession', async () => {
    const key = await gatewayKey(item['strHostName'] as string);
    const started = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
      Authorization: `KSCGW ${key}`,
    });
    const id = (started.json as { PxgRetVal: string }).PxgRetVal;
    const caller = new KscCaller(emu.url, { 'X-KSC-Session': id });
    const info = await caller.call('NagNetworkListApi.GetListItemFileInfo', {
      ...fileArgs(),
      bNeedPacked: false,
    });
    expect(info['PxgRetVal']).toBe(0);
  });

  it("refuses the agent's class on the server, unknown hosts and chains through secondary servers", async () => {
    const onServer = await failure(
      branch.call('NagNetworkListApi.GetListItemFileInfo', { ...fileArgs(), bNeedPacked: false }),
    );
    expect(onServer.pxgCode).toBe(1194);
    const unknown = await failure(branch.call('CgwHelper.GetNagentLocation', { wsHostName: 'no-such-host' }));
    expect(unknown.pxgMessage).toBe("Unknown name of device 'no-such-host'");
    // A host of the main server is unknown on the virtual server.
    const admin = await emu.session();
    const mainHost = emu.ksc.world.hostsOf(0)[0]!.id;
    const foreign = await failure(
      branch.call('GatewayConnection.PrepareGatewayConnection', {
        pLocations: [{ KLCGW_NAGENT_HOST: mainHost }],
      }),
    );
    expect(foreign.pxgCode).toBe(1186);
    const location = (await admin.call('CgwHelper.GetNagentLocation', { wsHostName: mainHost }))['PxgRetVal'];
    const chain = await failure(
      admin.call('GatewayConnection.PrepareGatewayConnection', {
        pLocations: [location as Record<string, string>, location as Record<string, string>],
      }),
    );
    expect(chain.pxgCode).toBe(1187);
    // Another host's agent holds none of this host's items.
    const { caller } = await gateway(
      (
        await admin.call('GatewayConnection.PrepareGatewayConnection', {
          pLocations: [location as Record<string, string>],
        })
      )['wstrAuthKey'] as string,
    );
    const elsewhere = await failure(
      caller.call('NagNetworkListApi.GetListItemFileInfo', { ...fileArgs(), bNeedPacked: false }),
    );
    expect(elsewhere.pxgMessage).toBe(WRONG_ITEM);
    const missing = await failure(
      branch.call('GatewayConnection.PrepareTunnelConnection', { pLocations: [] }),
    );
    expect(missing.pxgCode).toBe(1194);
  });
});
