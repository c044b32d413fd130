import { FieldError } from '../../../errors.ts';

/** `aa:bb:cc:dd:ee:ff` (or with `-`, as Windows and KICS print them) → 6 bytes. */
export function parseMac(text: string, field: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((part) => /^[0-9a-fA-F]{2}$/.test(part)))
    throw new FieldError(field, `not a MAC address: ${JSON.stringify(text)}`);
  return Uint8Array.from(parts, (part) => Number.parseInt(part, 16));
}

/** Dotted-quad IPv4 → 4 bytes. Captures are IPv4 only: the industrial networks KICS watches are. */
export function parseIpv4(text: string, field: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255))
    throw new FieldError(field, `not an IPv4 address: ${JSON.stringify(text)}`);
  return Uint8Array.from(parts, Number);
}

export function checkPort(port: number, field: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new FieldError(field, `not a TCP port: ${port}`);
  return port;
}
