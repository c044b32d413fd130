/**
 * Runs KICS commands against the KICS emulator over HTTPS with mutual TLS, the way every surface runs them: a
 * `kconnect.yaml` with a `type: kics` connection to the emulator's communication data package, through the real
 * config → context factory path, then `executeCommand`; each result is checked against the command's own output
 * schema.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { fileSystemSink } from '../../../src/commands/core/file-system-sink.ts';
import { commandOutputSchema } from '../../../src/commands/core/result.ts';
import type { CommandContext, CommandDefinition, CommandResult } from '../../../src/commands/core/types.ts';
import { createContextFactory, loadConfig, type ContextFactory } from '../../../src/config/index.ts';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../src/emulator/kics/emulator.ts';

/** A placeholder secret of the tests; obviously not a real one. */
export const KICS_PACKAGE_PASSWORD = 'test-only-package-password-kics-commands';

export interface KicsCommandHarness {
  readonly kics: RunningKicsEmulator;
  /** The folder holding `kconnect.yaml` (connection `plant`). */
  readonly dir: string;
  /** The environment that holds the package password (`PLANT_PACKAGE_PASSWORD`). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the contexts' file sink saves what commands produce (a new name beside an older file). */
  readonly filesDir: string;
  readonly factory: ContextFactory;
  context(): CommandContext;
  /**
   * A context of a further connector of the emulator (its own user, of `role`), through a `kconnect.yaml` of its
   * own; closed by `stop`.
   */
  connector(name: string, user: string, role: 'Operator' | 'Administrator'): Promise<CommandContext>;
  /** Blocks or unblocks an application user: a blocked one gets no token. */
  block(user: string): Promise<void>;
  /** Runs a command on connection `plant` and checks the result against the command's output schema. */
  run(command: CommandDefinition, input: unknown): Promise<CommandResult>;
  stop(): Promise<void>;
}

export async function startKicsCommandHarness(
  world: { devices?: number; events?: number } = {},
): Promise<KicsCommandHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'kconnect-kics-commands-'));
  const kics = await startKicsEmulator({
    port: 0,
    dataDir: join(dir, 'kics'),
    devices: world.devices ?? 40,
    events: world.events ?? 100,
    connectorPassword: KICS_PACKAGE_PASSWORD,
  });
  writeFileSync(
    join(dir, 'kconnect.yaml'),
    `connections:\n  plant:\n    type: kics\n    package: ${kics.packageDir}\n    packagePasswordEnv: PLANT_PACKAGE_PASSWORD\n`,
  );
  const env = { PLANT_PACKAGE_PASSWORD: KICS_PACKAGE_PASSWORD };
  const factory = createContextFactory(loadConfig({ env, cwd: dir }), {
    env: {},
    client: { sleep: () => Promise.resolve() },
  });
  const filesDir = join(dir, 'files');
  mkdirSync(filesDir);
  const files = fileSystemSink({ directory: filesDir, existing: 'keep-both' });
  const context = (): CommandContext => ({ ...factory.context('plant'), files });
  const factories: ContextFactory[] = [factory];
  return {
    kics,
    dir,
    env,
    filesDir,
    factory,
    context,
    async connector(name, user, role) {
      const written = await kics.auth.addConnector({
        name,
        user,
        role,
        password: KICS_PACKAGE_PASSWORD,
        serverUrl: kics.url,
      });
      const own = mkdtempSync(join(dir, 'connector-'));
      writeFileSync(
        join(own, 'kconnect.yaml'),
        `connections:\n  ${user}:\n    type: kics\n    package: ${written.dir}\n    packagePasswordEnv: PLANT_PACKAGE_PASSWORD\n`,
      );
      const made = createContextFactory(loadConfig({ env, cwd: own }), {
        env: {},
        client: { sleep: () => Promise.resolve() },
      });
      factories.push(made);
      return made.context(user);
    },
    async block(user) {
      await kics.auth.users.block(user);
    },
    async run(command, input) {
      const result = await executeCommand(command, context(), input);
      const checked = commandOutputSchema(command.keyFields).safeParse(result);
      expect(checked.success, checked.success ? '' : checked.error.message).toBe(true);
      return result;
    },
    async stop() {
      for (const made of factories) await made.close();
      await kics.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
