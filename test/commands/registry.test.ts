import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeCommand } from '../../src/commands/core/execute.ts';
import { isDirectoryCommand } from '../../src/commands/directory/shared/vendor.ts';
import { isKicsCommand } from '../../src/commands/kics/shared/vendor.ts';
import { COMMANDS } from '../../src/commands/registry.ts';
import { COMMANDS_DOC, renderCommandsDoc } from '../../scripts/commands-doc.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './kics/support.ts';
import { startCommandHarness, type CommandHarness } from './support.ts';
import { openExampleDirectory, type ExampleDirectory } from './directory/support.ts';

describe('the command registry', () => {
  let h: CommandHarness;
  let kics: KicsCommandHarness;
  let directory: ExampleDirectory;
  beforeAll(async () => {
    directory = await openExampleDirectory();
    h = await startCommandHarness();
    // The KICS emulator's default world of devices (fewer events: the examples read none of them).
    kics = await startKicsCommandHarness({ devices: 300, events: 200 });
  });
  afterAll(async () => {
    await h?.stop();
    await kics?.stop();
    await directory?.close();
  });

  it('names every command once, in snake_case, with a title, a description and its KSC calls', () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    expect(new Set(COMMANDS.map((c) => c.title)).size).toBe(COMMANDS.length);
    for (const command of COMMANDS) {
      expect(command.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(command.description.length, command.name).toBeGreaterThan(60);
      expect(command.api.operations.length, command.name).toBeGreaterThan(0);
      if (command.destructive) {
        expect(command.readOnly, command.name).toBe(false);
        const schema = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' });
        expect(Object.keys(schema.properties ?? {}), command.name).toContain('idempotencyKey');
      }
    }
  });

  it('runs every command’s documented example successfully against its vendor’s emulator', async () => {
    for (const command of COMMANDS) {
      // A command that needs the other product gets both clients, as a connection with a companion gives them.
      // A directory command needs no connection: the directory store is its context.
      const result = isDirectoryCommand(command)
        ? await executeCommand(command, { now: Date.now, directory: directory.store }, command.example)
        : isKicsCommand(command)
          ? await kics.run(command, command.example)
          : command.companions?.kics === 'required'
            ? await executeCommand(command, { ...h.context(), kics: kics.context().kics! }, command.example)
            : await h.run(command, command.example);
      expect(result.errors, `${command.name}: ${JSON.stringify(result.errors)}`).toEqual([]);
      expect(result.status, command.name).toBe('Successful');
    }
  });

  it('keeps docs/commands.md generated from the registry', async () => {
    expect(readFileSync(COMMANDS_DOC, 'utf8'), 'run `npm run docs:commands`').toBe(await renderCommandsDoc());
  });
});
