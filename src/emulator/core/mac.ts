import { hashString } from './random.ts';

/**
 * MAC addresses for the emulators' generated worlds, in the text form both emulators print: six lowercase hex
 * pairs joined by colons (`02:1a:…`).
 *
 * {@link stableMacAddress} is vendor-neutral on purpose: the KICS world derives the MAC of a Windows machine that the
 * KSC world also manages from the KSC host id, and the KSC emulator can later report the same address by calling the
 * same function with the same key. The address is locally administered (bit 1 of the first octet set) and unicast
 * (bit 0 clear), so it can never collide with a vendor's registered OUI.
 */

const HEX = '0123456789abcdef';

function hexPair(byte: number): string {
  return (HEX[(byte >>> 4) & 15] ?? '0') + (HEX[byte & 15] ?? '0');
}

/** Text form of six octets. */
export function formatMac(octets: ArrayLike<number>): string {
  if (octets.length !== 6) throw new RangeError(`a MAC address has 6 octets, got ${octets.length}`);
  let text = '';
  for (let i = 0; i < 6; i++) text += (i === 0 ? '' : ':') + hexPair((octets[i] ?? 0) & 255);
  return text;
}

/** The same key always gives the same locally administered unicast MAC address. */
export function stableMacAddress(key: string): string {
  // Two independent 32-bit hashes supply the 48 bits; the second basis keeps them uncorrelated.
  const high = hashString(key);
  const low = hashString(key, 0x9dc5811c);
  return formatMac([
    ((high >>> 24) & 0xfc) | 0x02,
    (high >>> 16) & 255,
    (high >>> 8) & 255,
    high & 255,
    (low >>> 8) & 255,
    low & 255,
  ]);
}

/** A MAC address inside a vendor's OUI (`00:1b:1b`), the device part taken from a 24-bit number. */
export function macInOui(oui: string, devicePart: number): string {
  const bytes = oui.split(':').map((pair) => Number.parseInt(pair, 16));
  if (bytes.length !== 3 || bytes.some((byte) => !Number.isInteger(byte) || byte < 0 || byte > 255))
    throw new RangeError(`an OUI is three hex octets like 00:1b:1b, got '${oui}'`);
  return formatMac([
    bytes[0] ?? 0,
    bytes[1] ?? 0,
    bytes[2] ?? 0,
    (devicePart >>> 16) & 255,
    (devicePart >>> 8) & 255,
    devicePart & 255,
  ]);
}
