import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FieldError } from '../../../../src/errors.ts';
import type { CaptureProtocol } from '../../../../src/emulator/kics/traffic/recipe.ts';
import {
  captureFileName,
  PCAP_CONTENT_TYPE,
  writeCapture,
  ZIP_CONTENT_TYPE,
  zipCaptures,
} from '../../../../src/emulator/kics/traffic/index.ts';
import { Random } from '../../../../src/emulator/core/random.ts';
import { pcapFile } from '../../../../src/emulator/kics/traffic/pcap.ts';
import { tcpConversation } from '../../../../src/emulator/kics/traffic/tcp-conversation.ts';
import { dnp3UserData, readPcap, splitMessages, type Packet } from './pcap-reader.ts';
import { CASES, recipe, START_TIME } from './recipes.ts';

const SYN = 0x02;
const FIN = 0x01;
const ACK = 0x10;
const PSH = 0x08;

/** Each direction's payload bytes in order, after checking that sequence and acknowledgement numbers add up. */
function reassemble(packets: readonly Packet[]): { client: Buffer; server: Buffer } {
  const [syn, synAck] = packets;
  const next = { client: syn!.seq, server: synAck!.seq };
  const streams = { client: [] as Buffer[], server: [] as Buffer[] };
  const clientPort = syn!.srcPort;
  for (const packet of packets) {
    const side = packet.srcPort === clientPort ? 'client' : 'server';
    const peer = side === 'client' ? 'server' : 'client';
    expect(packet.seq).toBe(next[side]);
    if (packet.flags & ACK) expect(packet.ack).toBe(next[peer]);
    streams[side].push(packet.payload);
    next[side] = (next[side] + packet.payload.length + (packet.flags & (SYN | FIN) ? 1 : 0)) >>> 0;
  }
  return { client: Buffer.concat(streams.client), server: Buffer.concat(streams.server) };
}

/** The code each protocol's request carries: the function, service, type id or encoding that says what it asks. */
function requestCode(protocol: CaptureProtocol, message: Buffer): number | null {
  switch (protocol) {
    case 'ModbusTcp':
      return message[7]!;
    case 'S7comm':
      // COTP data TPDU carrying an S7 job: the parameters' first byte is the function.
      return message[5] === 0xf0 && message[8] === 0x01 ? message[17]! : null;
    case 'Iec104':
      return (message[2]! & 0x01) === 0 ? message[6]! : null; // I-format: the ASDU's type id
    case 'OpcUa':
      return message.toString('latin1', 0, 3) === 'MSG' ? message.readUInt16LE(26) : null;
    case 'Dnp3':
      return dnp3UserData(message)[2]!;
    case 'EtherNetIp':
      return message.readUInt16LE(0) === 0x006f ? message[40]! : null;
  }
}

const EXPECTED_REQUEST: Record<CaptureProtocol, Record<string, number>> = {
  ModbusTcp: {
    read: 0x03,
    write: 0x10,
    command: 0x05,
    diagnostics: 0x08,
    restart: 0x08,
    stop: 0x03,
    'program-download': 0x03,
  },
  S7comm: { read: 0x04, write: 0x05, stop: 0x29, 'program-download': 0x1a },
  Iec104: {
    read: 102,
    interrogation: 100,
    command: 45,
    write: 50,
    restart: 105,
    stop: 102,
    'program-download': 102,
  },
  OpcUa: { read: 631, write: 673, stop: 631, 'program-download': 631 },
  Dnp3: { read: 0x01, write: 0x02, command: 0x05, restart: 0x0d, stop: 0x01, 'program-download': 0x01 },
  EtherNetIp: { read: 0x0e, write: 0x10, stop: 0x05, restart: 0x05, 'program-download': 0x0e },
};

describe('writeCapture', () => {
  it.each(CASES)('$protocol $action: a whole, consistent TCP conversation', ({ protocol, action }) => {
    const given = recipe(protocol, action);
    const pcap = readPcap(writeCapture(given));
    expect(pcap).toMatchObject({
      magic: 0xa1b2c3d4,
      versionMajor: 2,
      versionMinor: 4,
      snaplen: 65535,
      linkType: 1,
    });
    const packets = pcap.packets;
    for (const packet of packets) {
      expect(packet.ipChecksumOk).toBe(true);
      expect(packet.tcpChecksumOk).toBe(true);
      expect(packet.vlanId).toBeNull();
      const fromClient = packet.srcPort === given.client.port;
      expect([packet.srcIp, packet.dstIp]).toEqual(
        fromClient ? ['10.20.1.15', '10.20.4.2'] : ['10.20.4.2', '10.20.1.15'],
      );
      expect(fromClient ? packet.srcMac : packet.dstMac).toBe('00:1a:2b:3c:4d:5e');
      expect(fromClient ? packet.dstMac : packet.srcMac).toBe('00:0e:8c:a1:22:33');
      expect(fromClient ? packet.dstPort : packet.srcPort).toBe(given.server.port);
    }
    // Handshake, data, close.
    expect(packets.slice(0, 3).map((p) => p.flags)).toEqual([SYN, SYN | ACK, ACK]);
    expect(packets.slice(-3).map((p) => p.flags)).toEqual([FIN | ACK, FIN | ACK, ACK]);
    expect(packets.slice(-3).map((p) => p.srcPort === given.client.port)).toEqual([true, false, true]);
    for (const packet of packets.slice(3, -3))
      expect(packet.flags === (PSH | ACK) ? packet.payload.length > 0 : packet.payload.length === 0).toBe(
        true,
      );
    // Time starts at the recipe's and moves on by milliseconds at most.
    expect(packets[0]!.timeMicros).toBe(START_TIME * 1000);
    for (let i = 1; i < packets.length; i++) {
      const gap = packets[i]!.timeMicros - packets[i - 1]!.timeMicros;
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThan(15_000);
    }

    const streams = reassemble(packets);
    const requests = splitMessages(protocol, streams.client);
    const answers = splitMessages(protocol, streams.server);
    expect(requests.length).toBeGreaterThanOrEqual(given.exchanges);
    expect(answers.length).toBeGreaterThanOrEqual(given.exchanges);
    const codes = requests.map((message) => requestCode(protocol, message)).filter((code) => code !== null);
    expect(codes).toContain(EXPECTED_REQUEST[protocol][action]);
  });

  it('writes the same bytes for the same recipe, and other bytes for another seed', () => {
    for (const { protocol, action } of CASES) {
      const first = writeCapture(recipe(protocol, action));
      expect(writeCapture(recipe(protocol, action)).equals(first)).toBe(true);
      expect(writeCapture(recipe(protocol, action, { seed: 2025 })).equals(first)).toBe(false);
    }
  });

  it('tags every frame with the VLAN when the recipe has one', () => {
    const packets = readPcap(writeCapture(recipe('S7comm', 'stop', { vlanId: 112 }))).packets;
    expect(
      packets.every((packet) => packet.vlanId === 112 && packet.tcpChecksumOk && packet.ipChecksumOk),
    ).toBe(true);
  });

  it('holds as many exchanges as the recipe asks for', () => {
    for (const exchanges of [1, 7, 50]) {
      const packets = readPcap(writeCapture(recipe('ModbusTcp', 'read', { exchanges }))).packets;
      const { client, server } = reassemble(packets);
      expect(splitMessages('ModbusTcp', client)).toHaveLength(exchanges);
      expect(splitMessages('ModbusTcp', server)).toHaveLength(exchanges);
    }
  });

  it('answers each Modbus request with its transaction id, and each S7 job with its PDU reference', () => {
    const modbus = reassemble(readPcap(writeCapture(recipe('ModbusTcp', 'write', { exchanges: 5 }))).packets);
    const ids = (stream: Buffer) => splitMessages('ModbusTcp', stream).map((m) => m.readUInt16BE(0));
    expect(ids(modbus.server)).toEqual(ids(modbus.client));

    const s7 = reassemble(readPcap(writeCapture(recipe('S7comm', 'read', { exchanges: 4 }))).packets);
    const references = (stream: Buffer) =>
      splitMessages('S7comm', stream)
        .filter((m) => m[5] === 0xf0)
        .map((m) => m.readUInt16BE(11));
    expect(references(s7.server)).toEqual(references(s7.client));
  });

  it('downloads an S7 block in parts that fit the PDU size the PLC granted', () => {
    const { client, server } = reassemble(
      readPcap(writeCapture(recipe('S7comm', 'program-download', { exchanges: 3 }))).packets,
    );
    const granted = splitMessages('S7comm', server)[1]!.readUInt16BE(25); // setup communication's ack-data
    expect(granted).toBe(240);
    const pdus = [...splitMessages('S7comm', client), ...splitMessages('S7comm', server)].filter(
      (m) => m[5] === 0xf0,
    );
    for (const pdu of pdus) expect(pdu.length - 7).toBeLessThanOrEqual(granted); // TPKT and COTP headers aside
    const plcJobs = splitMessages('S7comm', server).filter((m) => m[5] === 0xf0 && m[8] === 0x01);
    expect(plcJobs.map((m) => m[17])).toContain(0x1b);
    expect(plcJobs.map((m) => m[17])).toContain(0x1c);
  });

  it('splits a message larger than the MSS into segments of at most 1460 bytes', () => {
    const big = Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff);
    const endpoint = (last: number, port: number) => ({
      mac: Uint8Array.of(2, 0, 0, 0, 0, last),
      ip: Uint8Array.of(10, 0, 0, last),
      port,
    });
    const frames = tcpConversation({
      client: endpoint(1, 40000),
      server: endpoint(2, 4840),
      vlanId: null,
      startTime: START_TIME,
      messages: [
        { from: 'client', payload: Uint8Array.of(1, 2, 3) },
        { from: 'server', payload: big },
      ],
      rng: new Random(1),
    });
    const packets = readPcap(pcapFile(frames)).packets;
    expect(packets.map((p) => p.payload.length).filter((n) => n > 0)).toEqual([3, 1460, 1460, 1080]);
    expect(packets.every((p) => p.tcpChecksumOk && p.ipChecksumOk)).toBe(true);
    expect(reassemble(packets).server.equals(Buffer.from(big))).toBe(true);
  });

  it('rejects a recipe it cannot write, naming the field', () => {
    const bad = [
      recipe('ModbusTcp', 'read', { exchanges: 0 }),
      recipe('ModbusTcp', 'read', { exchanges: 51 }),
      recipe('ModbusTcp', 'read', { vlanId: 4095 }),
      recipe('ModbusTcp', 'read', { client: { mac: '00:1a:2b', ip: '10.0.0.1', port: 5000 } }),
      recipe('ModbusTcp', 'read', { server: { mac: '00:1a:2b:3c:4d:5e', ip: '10.0.0.256', port: 502 } }),
      recipe('ModbusTcp', 'read', { server: { mac: '00:1a:2b:3c:4d:5e', ip: '10.0.0.2', port: 0 } }),
    ];
    const fields = bad.map((given) => {
      try {
        writeCapture(given);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(FieldError);
        return (error as FieldError).field;
      }
    });
    expect(fields).toEqual(['exchanges', 'exchanges', 'vlanId', 'client.mac', 'server.ip', 'server.port']);
  });
});

describe('zipCaptures and file names', () => {
  it('names a capture after its event and exports the content types', () => {
    expect(captureFileName(4_000_123)).toBe('event_4000123.pcap');
    expect(PCAP_CONTENT_TYPE).toBe('application/vnd.tcpdump.pcap');
    expect(ZIP_CONTENT_TYPE).toBe('application/zip');
  });

  it('zips captures that unzip to the same bytes, the same archive every time', () => {
    const files = [
      { name: captureFileName(17), data: writeCapture(recipe('Dnp3', 'command')) },
      { name: captureFileName(18), data: writeCapture(recipe('Iec104', 'interrogation')) },
    ];
    const zip = zipCaptures(files);
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped)).toEqual(['event_17.pcap', 'event_18.pcap']);
    for (const file of files) expect(Buffer.from(unzipped[file.name]!).equals(file.data)).toBe(true);
    expect(zipCaptures(files).equals(zip)).toBe(true);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50); // local file header signature
  });

  it('zips no captures into an empty archive, and refuses duplicate or path-like names', () => {
    expect(Object.keys(unzipSync(zipCaptures([])))).toEqual([]);
    const data = new Uint8Array(4);
    expect(() =>
      zipCaptures([
        { name: 'a.pcap', data },
        { name: 'a.pcap', data },
      ]),
    ).toThrow(FieldError);
    expect(() => zipCaptures([{ name: '../a.pcap', data }])).toThrow(FieldError);
  });
});
