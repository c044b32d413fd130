import { z } from 'zod';

/** The inputs the directory commands share, described for people and AI assistants alike. */
export const directoryInputs = {
  identifier: (what: 'user' | 'group') =>
    z
      .string()
      .trim()
      .min(1)
      .max(1024)
      .describe(
        `The ${what}, by any identifier: KSC trustee id with suffix ("65536:1" or "65536:65536") or the bare ` +
          'trustee id, uid (GUID), uid_bin, SID ("S-1-5-21-…"), sid_hash, dn_hash (base64), UPN, sAMAccountName ' +
          'or "DOMAIN\\name", mail, distinguished name, or display name. Names are compared case-insensitively; ' +
          'when several objects match, all are returned (ambiguous), never one picked',
      ),
  search: () =>
    z
      .string()
      .trim()
      .min(1)
      .max(256)
      .optional()
      .describe('Case-insensitive part of the display name, UPN, sAMAccountName or mail; all when absent'),
  limit: () =>
    z.number().int().min(1).max(1000).default(100).describe('How many at most on this page (1–1000)'),
  cursor: () =>
    z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('nextCursor of the previous page, to read the next one; absent for the first page'),
};
