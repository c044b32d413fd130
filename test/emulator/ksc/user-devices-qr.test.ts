import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';
import {
  ALIGNMENT_TABLE,
  decodeQrPng,
  FORMAT_M,
  remainderByDivision,
  syndromes,
  VERSION_INFO,
} from '../../support/qr-decoder.ts';
import { errorCorrectionCodewords } from '../../../src/emulator/ksc/mobile/qr/reed-solomon.ts';
import { alignmentPositions, symbolSize } from '../../../src/emulator/ksc/mobile/qr/versions.ts';
import { formatBits, functionPatterns, versionBits } from '../../../src/emulator/ksc/mobile/qr/matrix.ts';
import { encodeQr } from '../../../src/emulator/ksc/mobile/qr/index.ts';

/** Method-level binary comes back as base64 text. */
const bytesOf = (value: unknown): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value as Uint8Array);

describe('the QR encoder against the standard', () => {
  it('computes Reed–Solomon codewords as the standard’s examples and a plain polynomial division do', () => {
    // ISO/IEC 18004 Annex I: "01234567" as 1-M (numeric mode; the error correction does not depend on the mode).
    const annex = [
      0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11,
    ];
    expect([...errorCorrectionCodewords(Uint8Array.from(annex), 10)]).toEqual([
      0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55,
    ]);
    // A short byte-mode input: 0100, count 5, "hello", terminator, padding — then every degree Table 9 uses at M.
    const hello = [
      0x40, 0x56, 0x86, 0x56, 0xc6, 0xc6, 0xf0, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec,
    ];
    for (const degree of [10, 16, 18, 22, 24, 26, 28, 30])
      expect([...errorCorrectionCodewords(Uint8Array.from(hello), degree)]).toEqual(
        remainderByDivision(hello, degree),
      );
  });

  it('writes the format information of each mask as Table C.1 and version information as Table D.1', () => {
    expect(Array.from({ length: 8 }, (_, mask) => formatBits(mask))).toEqual(FORMAT_M);
    for (const [version, bits] of Object.entries(VERSION_INFO))
      expect(versionBits(Number(version))).toBe(bits);
  });

  it('places finder, timing and alignment patterns where Annex E says, for every version', () => {
    for (let version = 1; version <= 40; version++) {
      expect(alignmentPositions(version)).toEqual(ALIGNMENT_TABLE[version]);
      const grid = functionPatterns(version);
      const size = symbolSize(version);
      expect(grid.size).toBe(size);
      const dark = (r: number, c: number) => grid.dark[r * size + c] === 1;
      // Finder centres (3 × 3 dark), their light ring, and the separator.
      for (const [r, c] of [
        [3, 3],
        [3, size - 4],
        [size - 4, 3],
      ] as const) {
        expect(dark(r, c) && dark(r - 1, c - 1) && dark(r + 1, c + 1)).toBe(true);
        expect(dark(r - 2, c) || dark(r, c + 2)).toBe(false);
        expect(dark(r - 3, c - 3) && dark(r + 3, c + 3)).toBe(true);
      }
      expect(dark(7, 7) || dark(7, size - 8) || dark(size - 8, 7)).toBe(false);
      expect(dark(size - 8, 8)).toBe(true); // The dark module.
      for (let i = 8; i < size - 8; i++) {
        expect(dark(6, i)).toBe(i % 2 === 0);
        expect(dark(i, 6)).toBe(i % 2 === 0);
      }
      const centres = ALIGNMENT_TABLE[version]!;
      const last = centres.length - 1;
      centres.forEach((r, i) =>
        centres.forEach((c, j) => {
          if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
          expect([dark(r, c), dark(r - 1, c), dark(r - 2, c - 2), dark(r + 2, c + 1)]).toEqual([
            true,
            false,
            true,
            true,
          ]);
        }),
      );
    }
  });

  it('chooses the smallest version that holds the input at level M', () => {
    const byLength = (n: number) => encodeQr(new Uint8Array(n).fill(0x41)).version;
    // Table 7, byte mode, level M: 14, 26, 42 … 2331 bytes.
    expect([byLength(14), byLength(15), byLength(26), byLength(27), byLength(213), byLength(214)]).toEqual([
      1, 2, 2, 3, 10, 11,
    ]);
    expect(byLength(2331)).toBe(40);
    expect(() => byLength(2332)).toThrow(/version 40/);
  });
});

describe.each(BACKENDS)('KSC emulator UserDevicesApi, QR codes (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 20, events: 10 });

  const generate = async (strInputData: string, lQRCodeSize: number) =>
    bytesOf(
      (await emu.admin.call('UserDevicesApi.GenerateQRCode', { strInputData, lQRCodeSize, lImageFormat: 3 }))[
        'PxgRetVal'
      ],
    );

  it.each([
    ['hello', 1],
    ['https://ssp.example.com/pkg?id=1', 3],
    ['Привет, KSC ✓', 2],
    ['x'.repeat(200), 10],
    ['https://ksc.example.com/enroll/' + 'a1b2c3d4'.repeat(287), 40],
  ])('round-trips %#: the decoded payload is the input, every block intact', async (input, version) => {
    const png = await generate(input, 420);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([420, 420]);
    const decoded = decodeQrPng(png);
    expect(decoded.version).toBe(version);
    expect(decoded.payload.toString('utf8')).toBe(input);
    expect(decoded.quietModules).toBeGreaterThanOrEqual(4);
    for (const block of decoded.blocks) {
      const ec = version === 40 ? 28 : { 1: 10, 2: 16, 3: 26, 10: 26 }[version]!;
      expect(syndromes(block, ec).every((s) => s === 0)).toBe(true);
    }
    if (version >= 7) expect(decoded.versionInfo).toBe(VERSION_INFO[version]);
  });

  it('scales modules to whole pixels and answers one image per input in GenerateQRCodeMulti', async () => {
    const small = decodeQrPng(await generate('hello', 29)); // 21 modules + quiet zone: one pixel each.
    expect([small.scale, small.payload.toString()]).toEqual([1, 'hello']);
    const images = (
      await emu.admin.call('UserDevicesApi.GenerateQRCodeMulti', {
        pInputData: ['first', 'second'],
        lQRCodeSize: 200,
        lImageFormat: 3,
      })
    )['PxgRetVal'] as unknown[];
    expect(images.map((image) => decodeQrPng(bytesOf(image)).payload.toString())).toEqual([
      'first',
      'second',
    ]);
  });

  it('refuses an input longer than a version-40 symbol holds', async () => {
    const tooLong = await failure(
      emu.admin.call('UserDevicesApi.GenerateQRCode', {
        strInputData: 'x'.repeat(2332),
        lQRCodeSize: 400,
        lImageFormat: 3,
      }),
    );
    expect(tooLong.pxgCode).toBe(1187);
  });
});
