import { Command } from 'commander';
import { demoCommand } from './demo-command.ts';
import { emulatorCommand } from './emulator-command.ts';

/** The `kconnect` command line. */
export function buildProgram(): Command {
  const program = new Command('kconnect')
    .description('Kaspersky Security Center and KICS for Networks from the command line')
    .showHelpAfterError();
  program.addCommand(emulatorCommand());
  program.addCommand(demoCommand());
  return program;
}
