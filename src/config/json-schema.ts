import { z } from 'zod';
import { configFileSchema } from './schema.ts';

/** Where `kconnect config init` writes the schema, next to the file it describes. */
export const CONFIG_SCHEMA_FILE = 'kconnect.schema.json';

/**
 * The JSON Schema (draft 2020-12) of `kconnect.yaml`, generated from the schema the loader checks files with, so
 * an editor's completion and the loader never disagree. YAML editors read it through the
 * `# yaml-language-server: $schema=…` line that `kconnect config init` writes.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'kconnect configuration (kconnect.yaml)',
    description:
      'Named connections (each of a type: ksc or kics), the default connection, the intake pipelines ' +
      '(pipelines: source, mapping, sink) and where their checkpoints live (intake), and the sections the HTTP ' +
      'service (service) and the MCP server (mcp) read. Secrets by value, file (…File) or environment variable (…Env).',
  };
}

/** A commented starter `kconnect.yaml`: one KSC connection whose password comes from a variable. */
export function starterConfig(): string {
  return `# yaml-language-server: $schema=./${CONFIG_SCHEMA_FILE}
# kconnect configuration. Flags override KCONNECT_* environment variables, which override this file.
# Check it with: kconnect config check      Show the effective settings: kconnect config show

# The connection commands use when --connection is not given.
defaultConnection: lab

connections:
  lab:
    type: ksc                                 # Kaspersky Security Center Open API
    url: https://ksc.example.com:13299        # plain http:// only on loopback (or allowInsecureHttp: true)
    user: svc-kconnect
    passwordEnv: KSC_PASSWORD                 # or passwordFile: /run/secrets/ksc; never the password itself
    # virtualServer: branch-office            # a KSC virtual server, when the account lives there
    # tls:
    #   caFile: klserver.cer                  # KSC's certificate or the CA that issued it
    #   pins: [sha256/…, sha256/…]            # SPKI pins: current and reserve (kconnect config check prints them)

# Event intake (kconnect intake run|status|reset): source → mapping → sink, checkpointed.
# pipelines:
#   ksc-events:
#     source: { type: ksc.events, connection: lab, start: start }   # start, end or an ISO 8601 time
#     mapping: ecs                                                  # raw, d3, ecs or ocsf
#     sink: { type: file, path: out/ksc-events.ndjson }
# intake:
#   state: { file: .kconnect/intake.db }      # the default; or { url: postgres://… } for several workers

# The HTTP service (kconnect serve).
# service:
#   port: 8080
#   database: .kconnect/service.sqlite      # or a postgres:// URL for several replicas
#   auditRetentionDays: 365

# The MCP server (kconnect mcp).
# mcp:
#   allowDestructive: false
`;
}
