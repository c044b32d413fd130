// `node --import ./register.mjs …`: records the modules a process loads in the file KCONNECT_MODULE_TRACE names —
// those the ESM loader resolves (./hooks.mjs) and, at exit, the CommonJS ones `require` loaded, which the hooks do
// not see on Node 20 (a package required through createRequire, say).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

const out = process.env.KCONNECT_MODULE_TRACE;
const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (out === undefined) return;
  const files = Object.keys(required).map((file) => pathToFileURL(file).href);
  appendFileSync(out, files.map((url) => `${url}\n`).join(''));
});
