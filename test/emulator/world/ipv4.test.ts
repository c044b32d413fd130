import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  ipFromKlInt,
  ipFromKlLong,
  ipToKlInt,
  ipToKlLong,
  ipv4,
} from '../../../src/emulator/ksc/world/ipv4.ts';

describe('KSC IPv4 encodings (spec §7.2)', () => {
  it('matches the seed sample: KLHST_WKS_IP 1951901888 is 192.168.87.116', () => {
    const address = ipv4(192, 168, 87, 116);
    expect(ipToKlInt(address)).toBe(1951901888);
    expect(formatIpv4(ipFromKlInt(1951901888))).toBe('192.168.87.116');
  });

  it('writes KLHST_WKS_IP_LONG in host byte order as an unsigned long', () => {
    expect(ipToKlLong(ipv4(10, 1, 2, 3))).toBe(167838211n);
    expect(ipToKlLong(ipv4(255, 255, 255, 255))).toBe(4294967295n);
    // The spec's attack-parameter sample "2886729929" is 172.16.0.201.
    expect(formatIpv4(ipFromKlLong(2886729929n))).toBe('172.16.0.201');
  });

  it('encodes the same address both ways, KLHST_WKS_IP being the network-order bytes read little-endian', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), (a, b, c, d) => {
        const address = ipv4(a, b, c, d);
        const klInt = ipToKlInt(address);
        expect(klInt).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(klInt).toBeLessThan(2 ** 31);
        const bytes = new DataView(new ArrayBuffer(4));
        bytes.setInt32(0, klInt, true);
        expect([bytes.getUint8(0), bytes.getUint8(1), bytes.getUint8(2), bytes.getUint8(3)]).toEqual([
          a,
          b,
          c,
          d,
        ]);
        expect(ipFromKlLong(ipToKlLong(address))).toBe(ipFromKlInt(klInt));
        expect(formatIpv4(address)).toBe(`${a}.${b}.${c}.${d}`);
      }),
    );
  });
});
