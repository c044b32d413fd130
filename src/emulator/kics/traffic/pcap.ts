/**
 * The classic libpcap file format (the one `tcpdump -w` writes and every tool reads): a 24-byte global header,
 * then per packet a 16-byte record header and the frame. Written little-endian, so the magic reads d4 c3 b2 a1;
 * readers recognise either byte order from it. Microsecond timestamps (the magic for nanoseconds differs).
 */
const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
export const PCAP_SNAPLEN = 65535;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

export interface CapturedFrame {
  /** Microseconds since the Unix epoch. */
  readonly timeMicros: number;
  readonly frame: Uint8Array;
}

/** One pcap file of `frames`, in the order given. */
export function pcapFile(frames: readonly CapturedFrame[]): Buffer {
  let total = GLOBAL_HEADER_LENGTH;
  for (const { frame } of frames) total += RECORD_HEADER_LENGTH + Math.min(frame.length, PCAP_SNAPLEN);
  const file = Buffer.alloc(total);
  file.writeUInt32LE(PCAP_MAGIC_MICROSECONDS, 0);
  file.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
  file.writeUInt16LE(PCAP_VERSION_MINOR, 6);
  file.writeInt32LE(0, 8); // thiszone: timestamps are UTC
  file.writeUInt32LE(0, 12); // sigfigs: always 0 in practice
  file.writeUInt32LE(PCAP_SNAPLEN, 16);
  file.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  let at = GLOBAL_HEADER_LENGTH;
  for (const { timeMicros, frame } of frames) {
    const kept = Math.min(frame.length, PCAP_SNAPLEN);
    file.writeUInt32LE(Math.floor(timeMicros / 1_000_000), at);
    file.writeUInt32LE(timeMicros % 1_000_000, at + 4);
    file.writeUInt32LE(kept, at + 8);
    file.writeUInt32LE(frame.length, at + 12);
    file.set(kept === frame.length ? frame : frame.subarray(0, kept), at + RECORD_HEADER_LENGTH);
    at += RECORD_HEADER_LENGTH + kept;
  }
  return file;
}
