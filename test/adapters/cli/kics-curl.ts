/**
 * The acceptance check, as a person does it: plain `curl` with a communication data package
 * (`--cert-type P12 --cert certificates.pfx:<password>`) and the CA taken out of it with `openssl pkcs12 -cacerts`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CurlAnswer {
  readonly status: number;
  readonly body: string;
}

/** A package folder (certificates.pfx, metadata.json) and the password of its PFX. */
export interface PackageCredentials {
  readonly dir: string;
  readonly password: string;
}

/** Writes the CA and server certificates inside the package's PFX to `<outDir>/ca.pem`, for `--cacert`. */
export async function extractCa(pkg: PackageCredentials, outDir: string): Promise<string> {
  const { stdout } = await run('openssl', [
    'pkcs12',
    '-in',
    join(pkg.dir, 'certificates.pfx'),
    '-cacerts',
    '-nokeys',
    '-passin',
    `pass:${pkg.password}`,
  ]);
  const file = join(outDir, 'ca.pem');
  writeFileSync(file, stdout);
  return file;
}

/** curl with the status code appended after the body, so a 4xx is an answer, not an exception. */
export async function curl(args: readonly string[]): Promise<CurlAnswer> {
  const { stdout } = await run('curl', [
    '--silent',
    '--show-error',
    '--write-out',
    '\n%{http_code}',
    ...args,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** `POST <authUrl>?grant_type=certificate` with the package's certificate. */
export function curlToken(authUrl: string, pkg: PackageCredentials, caFile: string): Promise<CurlAnswer> {
  return curl([
    '--cert-type',
    'P12',
    '--cert',
    `${join(pkg.dir, 'certificates.pfx')}:${pkg.password}`,
    '--cacert',
    caFile,
    '-X',
    'POST',
    `${authUrl}?grant_type=certificate`,
  ]);
}

/** A JSON API call with a bearer token; a body makes it a POST. */
export async function curlApi(
  url: string,
  accessToken: string,
  caFile: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const answer = await curl([
    '--cacert',
    caFile,
    '-H',
    `Authorization: Bearer ${accessToken}`,
    ...(body === undefined
      ? []
      : ['-X', 'POST', '-H', 'Content-Type: application/json', '--data', JSON.stringify(body)]),
    url,
  ]);
  return {
    status: answer.status,
    json: answer.body === '' ? undefined : (JSON.parse(answer.body) as unknown),
  };
}
