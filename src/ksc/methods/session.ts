import { z } from 'zod';
import { kscMethod, noArgs, noReply, out } from './schema.ts';

/**
 * `Session`: authenticated sessions. `CreateToken` is left out: its one-time token is a
 * credential, and nothing in kconnect needs one.
 */
export const sessionMethods = {
  /** Opens a session for the credentials in the Authorization header; returns its id (`X-KSC-Session`). */
  'Session.StartSession': kscMethod({ args: noArgs(), reply: z.looseObject({ PxgRetVal: out.string() }) }),
  /** Ends the current session; every later call with its id fails with HTTP 403. */
  'Session.EndSession': kscMethod({ args: noArgs(), reply: noReply() }),
  /** Does nothing: a cheap check that the current session is still valid. */
  'Session.Ping': kscMethod({ args: noArgs(), reply: noReply() }),
} as const;
