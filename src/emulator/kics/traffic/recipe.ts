/**
 * What the emulator keeps of an event's traffic: an emulator convention (decision 0029), not part of the KICS API.
 */

/** The industrial protocols the emulator writes captures of. */
export const CAPTURE_PROTOCOLS = ['ModbusTcp', 'S7comm', 'Iec104', 'OpcUa', 'Dnp3', 'EtherNetIp'] as const;
export type CaptureProtocol = (typeof CAPTURE_PROTOCOLS)[number];

export interface CaptureEndpoint {
  readonly mac: string;
  readonly ip: string;
  readonly port: number;
}

/**
 * What the emulator keeps of an event's traffic instead of the capture itself: enough to write the same PCAP
 * again on every request (deterministic from `seed`). Kept beside the event, never in its JSON.
 */
export interface TrafficRecipe {
  readonly protocol: CaptureProtocol;
  /** The side that opened the TCP connection (HMI, engineering station, SCADA server). */
  readonly client: CaptureEndpoint;
  /** The side that listens (PLC, RTU, OPC UA server). */
  readonly server: CaptureEndpoint;
  readonly vlanId: number | null;
  /** Time of the first packet, epoch ms. */
  readonly startTime: number;
  /** Request/response exchanges after the handshake (1–50). */
  readonly exchanges: number;
  /**
   * What the client asks for, in the protocol's own terms where it has them: `read`, `write`, `stop` (a PLC stop
   * command), `program-download`, `interrogation`… A protocol maps an action it lacks to `read`.
   */
  readonly action: string;
  readonly seed: number;
}
