// @ts-check
// Commands that answer a file (`kics_get_event_traffic`): the service sends the file itself when the command
// succeeds (200, its Content-Type and a Content-Disposition file name) and the usual JSON result otherwise. A
// plain link cannot carry the bearer token, so the file is fetched, kept as a Blob and handed to the browser
// through a download link of its own.

import { SignedOut } from './api.js';
import { connectionQuery, session, signOut } from './session.js';

/** @import { CommandResult } from './commands.js' */

/** The browser has started the download: so long for it to take the Blob before its URL is let go. */
const REVOKE_AFTER_MS = 60_000;

/**
 * The file name of a Content-Disposition header (`filename*=UTF-8''…` first), reduced to a plain name.
 *
 * @param {string | null} header
 * @param {string} fallback
 */
export function fileNameOf(header, fallback) {
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header ?? '');
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header ?? '');
  let name;
  try {
    name = extended?.[1] ? decodeURIComponent(extended[1]) : (plain?.[1] ?? fallback);
  } catch {
    name = plain?.[1] ?? fallback;
  }
  // Only a name: no folder of the server's choosing.
  return name.split(/[\\/]/).pop()?.trim() || fallback;
}

/**
 * Runs a command that answers a file and hands the file to the browser as a download.
 *
 * @param {string} command
 * @param {unknown} input
 * @param {{ connection?: string, fallbackName: string }} options
 * @returns {Promise<{ ok: true, fileName: string, bytes: number } | { ok: false, result: CommandResult }>}
 */
export async function downloadCommandFile(command, input, options) {
  const response = await fetch(
    `/v1/commands/${encodeURIComponent(command)}${connectionQuery('?', options.connection)}`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    },
  );
  if (response.status === 401) {
    signOut('The token was refused.');
    throw new SignedOut();
  }
  const type = response.headers.get('Content-Type') ?? '';
  if (!response.ok || type.startsWith('application/json')) {
    const text = await response.text();
    /** @type {CommandResult} */
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      result = {
        status: 'Failed',
        raw: null,
        context: null,
        keyFields: {},
        result: undefined,
        errors: [
          {
            failureIndicator: `${command} failed.`,
            statusCode: response.status,
            code: 'UPSTREAM',
            message: text || `The service answered ${response.status}`,
          },
        ],
      };
    }
    return { ok: false, result };
  }
  const blob = await response.blob();
  const fileName = fileNameOf(response.headers.get('Content-Disposition'), options.fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  // On the page and shown: Chromium starts no download from a click on a hidden link. It goes once the click is
  // handled.
  document.body.append(link);
  link.click();
  setTimeout(() => link.remove(), 0);
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  return { ok: true, fileName, bytes: blob.size };
}
