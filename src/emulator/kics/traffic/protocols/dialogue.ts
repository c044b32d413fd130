import type { Random } from '../../../core/random.ts';
import type { CaptureProtocol } from '../recipe.ts';

/**
 * What a recipe's `action` may ask for. A protocol writes its own messages for the actions it has (a Modbus
 * diagnostics request, an S7 PLC STOP, an IEC 104 interrogation) and a read for the others.
 */
export const CAPTURE_ACTIONS = [
  'read',
  'write',
  /** Operate an output: a coil, a DNP3 control relay output block, an IEC 104 single command. */
  'command',
  /** Stop the PLC program (S7 PLC STOP, the EtherNet/IP Identity object's reset). */
  'stop',
  'restart',
  'program-download',
  'interrogation',
  'diagnostics',
] as const;
export type CaptureAction = (typeof CAPTURE_ACTIONS)[number];

export type Sender = 'client' | 'server';

/** One application-layer message; the TCP layer splits it into segments when it exceeds the MSS. */
export interface ProtocolMessage {
  readonly from: Sender;
  readonly payload: Uint8Array;
}

export interface DialogueInput {
  /** Already resolved against the protocol's own actions. */
  readonly action: CaptureAction;
  /** Request/response exchanges of the action after the protocol's session set-up (at least 1). */
  readonly exchanges: number;
  readonly rng: Random;
  /** Time of the first packet, epoch ms: protocols that carry timestamps (OPC UA) use it. */
  readonly startTime: number;
}

/** The application conversation of one protocol: session set-up, the action's exchanges, the session's end. */
export interface ProtocolDialogue {
  readonly protocol: CaptureProtocol;
  /** The registered TCP port the server listens on. */
  readonly port: number;
  /** The actions with messages of their own; every other action is written as `read`. */
  readonly actions: readonly CaptureAction[];
  messages(input: DialogueInput): ProtocolMessage[];
}

/** `action` as the dialogue will write it: its own spelling when it has it (case-insensitive), else `read`. */
export function resolveAction(dialogue: ProtocolDialogue, action: string): CaptureAction {
  const wanted = action.trim().toLowerCase();
  return dialogue.actions.find((own) => own === wanted) ?? 'read';
}

/** Shorthand for a message. */
export function message(from: Sender, payload: Uint8Array): ProtocolMessage {
  return { from, payload };
}
