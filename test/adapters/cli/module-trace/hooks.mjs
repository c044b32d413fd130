// Module hooks that write every module the ESM loader resolves to the file named by KCONNECT_MODULE_TRACE, one
// URL a line. Registered by ./register.mjs.
import { appendFileSync } from 'node:fs';

const out = process.env.KCONNECT_MODULE_TRACE;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (out !== undefined) appendFileSync(out, `${resolved.url}\n`);
  return resolved;
}
