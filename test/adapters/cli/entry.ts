/**
 * A `kconnect` built from the CLI modules alone (the registry's commands and `config`), run as a real process
 * by the tests: `node --import tsx test/cli/entry.ts list-hosts …`. main.ts wires the same pieces.
 */
import { Command } from 'commander';
import { commandsFromRegistry } from '../../../src/adapters/cli/commands.ts';
import { configCommand } from '../../../src/adapters/cli/config-command.ts';

const program = new Command('kconnect');
for (const command of commandsFromRegistry()) program.addCommand(command);
program.addCommand(configCommand());
await program.parseAsync(process.argv);
