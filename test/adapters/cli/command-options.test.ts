import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  exampleArgs,
  inputFromOptions,
  inputOptions,
  kebabCase,
} from '../../../src/adapters/cli/command-options.ts';
import { COMMANDS, commandByName } from '../../../src/commands/index.ts';
import { runCli } from './support.ts';

/** Parses `args` with the generated options only, and returns the command input they make. */
function parse(name: string, args: readonly string[]) {
  const definition = commandByName(name)!;
  const { options, commander } = inputOptions(definition, new Set(['help']));
  const command = new Command(kebabCase(name)).exitOverride();
  for (const option of commander) command.addOption(option);
  command.parse(args, { from: 'user' });
  return inputFromOptions(options, command.opts());
}

describe('options generated from input schemas', () => {
  it('give every command’s example back exactly, through its command line', () => {
    for (const definition of COMMANDS) {
      const { options } = inputOptions(definition, new Set(['help']));
      const { input, problems } = parse(definition.name, exampleArgs(definition.example, options));
      expect(problems, definition.name).toEqual([]);
      expect(definition.input.parse(input), definition.name).toEqual(
        definition.input.parse(definition.example),
      );
    }
  });

  it('name options in kebab-case, with the issue’s aliases, never twice', () => {
    const names = (name: string) =>
      inputOptions(commandByName(name)!, new Set()).options.map((o) => `${o.long}${o.alias ? '*' : ''}`);
    expect(names('isolate_hosts')).toEqual([
      'host-ids',
      'host*',
      'isolation-timeout',
      'timeout*',
      'wait',
      'wait-timeout-seconds',
      'idempotency-key',
    ]);
    expect(names('list_hosts')).toEqual(['filter', 'limit', 'offset', 'fields']);
    for (const definition of COMMANDS) {
      const aliases = definition.hints?.cliAliases ?? {};
      const properties = Object.keys((definition.input as unknown as { shape: object }).shape);
      for (const property of Object.keys(aliases))
        expect(properties, `${definition.name}.${property}`).toContain(property);
    }
    expect(() => inputOptions(commandByName('list_hosts')!, new Set(['limit']))).toThrow(
      'list_hosts: the option --limit is generated twice',
    );
  });

  it('converts by type: integers, integer-or-name, JSON or text, JSON arrays keeping commas', () => {
    expect(parse('move_hosts_to_group', ['--host', 'a,b', '--hosts', 'c', '--group', '17']).input).toEqual({
      hosts: ['c', 'a', 'b'],
      group: 17,
    });
    expect(parse('move_hosts_to_group', ['--group', 'Managed devices/Lab']).input).toEqual({
      group: 'Managed devices/Lab',
    });
    expect(parse('fetch_event', ['--search-condition', '(GNRL_EA_SEVERITY = 4)']).input).toEqual({
      searchCondition: '(GNRL_EA_SEVERITY = 4)',
    });
    expect(parse('quarantine_files', ['--file', '["C:\\\\a,b.exe","/tmp/x"]']).input).toEqual({
      files: ['C:\\a,b.exe', '/tmp/x'],
    });
    expect(parse('unquarantine_files', ['--file-ids', '1, 2', '--file-id', '3']).input).toEqual({
      fileIds: [1, 2, 3],
    });
    expect(parse('list_hosts', ['--limit', '1e3']).input).toEqual({ limit: 1000 });
    expect(parse('list_hosts', ['--limit', '2.5']).problems).toEqual([
      { option: '--limit', reason: 'expected an integer, got "2.5"' },
    ]);
    expect(parse('fetch_event', ['--search-condition', '{"a":']).problems).toEqual([
      { option: '--search-condition', reason: 'not valid JSON' },
    ]);
    expect(parse('isolate_hosts', ['--timeout', '5', '--isolation-timeout', '6']).problems).toEqual([
      { option: '--timeout', reason: 'given twice (also as another option for isolationTimeout)' },
    ]);
    expect(parse('isolate_hosts', ['--wait']).input).toEqual({ wait: true });
  });

  it('show help with the description, choices, requirements, defaults and an example', async () => {
    const run = await runCli(['scan-hosts', '--help'], { cwd: '/' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: kconnect scan-hosts [options]');
    expect(run.stdout).toMatch(/--scan-type <choice>\s+Scan Type/);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(
      'one of: Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0) |',
    );
    expect(run.stdout).toMatch(/--host-names <text\.\.\.>/);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('required)');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('default: 600)');
    expect(run.stdout).toMatch(/Connection:\n\s+--connection <name>/);
    expect(run.stdout).toMatch(/Example:\n\s+kconnect scan-hosts --host-names /);
  });
});
