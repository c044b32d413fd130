/** How the server names and types the files of the traffic operations (spec §8's proposal, decision 0029). */

/** A single event's traffic: libpcap's registered media type. */
export const PCAP_CONTENT_TYPE = 'application/vnd.tcpdump.pcap';
/** Several events' traffic. */
export const ZIP_CONTENT_TYPE = 'application/zip';

/** `event_<id>.pcap`: the file name of an event's capture, in `Content-Disposition` and inside a ZIP. */
export function captureFileName(eventId: number): string {
  return `event_${eventId}.pcap`;
}

/** The name offered for a ZIP of several events' captures. */
export const TRAFFIC_ZIP_FILE_NAME = 'traffic.zip';
