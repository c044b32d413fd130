import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

/** Where the demo's two emulators and their secrets are, for a configuration the CLI can use as it is. */
export interface DemoConnections {
  /** The demo's data folder: the file is written there. */
  readonly dataDir: string;
  readonly kscUrl: string;
  readonly kscUser: string;
  /** The file holding the KSC password; undefined when it was given on the command line (then read from the env). */
  readonly kscPasswordFile: string | undefined;
  /** The KSC emulator's certificate, which the client trusts; undefined when it serves plain HTTP. */
  readonly kscCaFile: string | undefined;
  readonly kicsConnection: string;
  /** The connector's communication data package, and the file holding its password. */
  readonly kicsPackage: string;
  readonly kicsPasswordFile: string;
}

/** The variable the written configuration reads the KSC password from when no password file was kept. */
export const DEMO_PASSWORD_VARIABLE = 'KCONNECT_DEMO_PASSWORD';

/**
 * Writes `<dataDir>/kconnect.yaml`: the demo's KSC and KICS emulators as the connections `demo` and the KICS one,
 * each the other's companion, with the secrets by file (never in the file itself). Rewritten on every start, since
 * ports may change. Returns its path.
 */
export function writeDemoConfig(demo: DemoConnections): string {
  const file = resolve(join(demo.dataDir, 'kconnect.yaml'));
  const config = {
    defaultConnection: 'demo',
    connections: {
      demo: {
        type: 'ksc',
        url: demo.kscUrl,
        user: demo.kscUser,
        ...(demo.kscPasswordFile === undefined
          ? { passwordEnv: DEMO_PASSWORD_VARIABLE }
          : { passwordFile: resolve(demo.kscPasswordFile) }),
        ...(demo.kscCaFile === undefined ? {} : { tls: { caFile: resolve(demo.kscCaFile) } }),
        correlateWith: demo.kicsConnection,
      },
      [demo.kicsConnection]: {
        type: 'kics',
        package: resolve(demo.kicsPackage),
        packagePasswordFile: resolve(demo.kicsPasswordFile),
        correlateWith: 'demo',
      },
    },
  };
  const header =
    '# Written by `kconnect demo` on every start: its emulators as kconnect connections.\n' +
    `#   npx kconnect kics-list-devices --connection ${demo.kicsConnection} --config ${file}\n`;
  writeFileSync(file, header + stringify(config), { mode: 0o600 });
  return file;
}
