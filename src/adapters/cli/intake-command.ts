/**
 * `kconnect intake run|status|reset`: the pipelines of `kconnect.yaml` from the command line (issue 18,
 * decisions/0044). `run` runs them with `runPipeline` and the checkpoint store; `status` reads the committed
 * checkpoints; `reset` moves a pipeline's source cursor.
 */
import { Option, type Command } from 'commander';
import { processIo, type CliIo } from './cli-io.ts';
import { cliCommand } from './commands.ts';
import { addLogOptions } from './log-options.ts';
import type { IntakeCommandOptions, RunFlags } from './intake-actions.ts';

export type { IntakeCommandOptions } from './intake-actions.ts';

/** The commands' work, loaded on first use (intake-actions.ts). */
const actions = () => import('./intake-actions.ts');

function configOption(command: Command): Command {
  return command.addOption(
    new Option('--config <file>', 'the configuration file (default kconnect.yaml here, or KCONNECT_CONFIG)'),
  );
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * `kconnect intake`: `run`, `status` and `reset` on the pipelines of the configuration.
 */
export function intakeCommand(io: CliIo = processIo(), options: IntakeCommandOptions = {}): Command {
  const intake = cliCommand('intake', io).description(
    'run, inspect and rewind the event intake pipelines of kconnect.yaml',
  );

  const run = configOption(
    cliCommand('run', io)
      .description(
        'run pipelines (all configured, or those named) until stopped; Ctrl-C or SIGTERM commits the batch in hand',
      )
      .addOption(
        new Option('--pipeline <name>', 'a pipeline to run (repeat for several; default all)').argParser(
          collect,
        ),
      )
      .addOption(new Option('--once', 'read up to the head of every source, commit and exit')),
  );
  addLogOptions(run);
  run.action(async (flags: RunFlags) => (await actions()).runCommand(io, options, flags));

  const status = configOption(
    cliCommand('status', io)
      .description(
        'the committed checkpoint of each pipeline: generation, position, totals, gaps, last commit. It reads the ' +
          "checkpoint store; a running process's live state and lag are the service's (kconnect serve)",
      )
      .addOption(
        new Option('--pipeline <name>', 'a pipeline to show (repeat for several; default all)').argParser(
          collect,
        ),
      )
      .addOption(
        new Option('--format <format>', 'table on a terminal, json when piped').choices(['table', 'json']),
      ),
  );
  status.action(async (flags: Record<string, unknown>) => (await actions()).statusCommand(io, flags));

  const reset = configOption(
    cliCommand('reset', io)
      .description(
        "move a pipeline's source to its oldest record, its head, or a time; the sink keeps what it holds",
      )
      .argument('<pipeline>', 'the pipeline’s name in kconnect.yaml')
      .addOption(
        new Option(
          '--to <target>',
          'start, end, or an ISO 8601 time such as 2024-06-24T00:00:00Z',
        ).makeOptionMandatory(),
      )
      .addOption(
        new Option('--sink <name>', 'only this sink of a pipeline with several (default: every sink)'),
      ),
  );
  reset.action(async (name: string, flags: Record<string, unknown>) =>
    (await actions()).resetCommand(io, name, flags),
  );

  return intake.addCommand(run).addCommand(status).addCommand(reset);
}
