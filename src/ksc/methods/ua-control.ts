import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/**
 * `UaControl`: update agents (distribution points) and connection gateways. A UA's settings travel as `pUaInfo`
 * ("Distribution point settings": `UaHostId`, `UaScope`, …).
 */
export const uaControlMethods = {
  /** Whether the server assigns update agents to network segments by itself. */
  'UaControl.GetAssignUasAutomatically': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.bool() }),
  }),
  'UaControl.SetAssignUasAutomatically': kscMethod({
    args: z.strictObject({ bEnabled: arg.bool() }),
    reply: noReply(),
  }),
  /** The settings a new update agent starts from: set `UaHostId` and `UaScope`, then `RegisterUpdateAgent`. */
  'UaControl.GetDefaultUpdateAgentRegistrationInfo': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ pUaInfo: out.params() }),
  }),
  /** One update agent's settings; fails when the host is not an update agent. */
  'UaControl.GetUpdateAgentInfo': kscMethod({
    args: z.strictObject({ wstrUaHostId: arg.string() }),
    reply: z.looseObject({ pUaInfo: out.params() }),
  }),
  /** The update agents that serve a host. */
  'UaControl.GetUpdateAgentsDisplayInfoForHost': kscMethod({
    args: z.strictObject({ wstrHostId: arg.string() }),
    reply: z.looseObject({ pUaInfo: out.records() }),
  }),
  /** Every registered update agent. */
  'UaControl.GetUpdateAgentsList': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ pUasArr: out.records() }),
  }),
  /** Replaces an update agent's settings (its scope entirely). */
  'UaControl.ModifyUpdateAgent': kscMethod({
    args: z.strictObject({ pUaInfo: arg.params() }),
    reply: noReply(),
  }),
  /** Registers a host as an update agent (`UaHostId` and `UaScope` mandatory); fails when it already is one. */
  'UaControl.RegisterUpdateAgent': kscMethod({
    args: z.strictObject({ pUaInfo: arg.params() }),
    reply: noReply(),
  }),
  /** Registers a connection gateway in the DMZ (an update agent that only relays connections). */
  'UaControl.RegisterDmzGateway': kscMethod({
    args: z.strictObject({ pCgInfo: arg.params() }),
    reply: noReply(),
  }),
  'UaControl.UnregisterUpdateAgent': kscMethod({
    args: z.strictObject({ wstrUaHostId: arg.string() }),
    reply: noReply(),
  }),
} as const;
