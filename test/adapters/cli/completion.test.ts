/** `kconnect completion`: scripts generated from the real command line, and the bash one run in bash. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../../src/adapters/cli/completion-command.ts';
import { buildProgram } from '../../../src/adapters/cli/main.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the words typed so far (the last one being completed). */
function bashComplete(words: readonly string[]): string[] {
  const script = path.join(dir, 'kconnect.bash');
  writeFileSync(script, completionScript(buildProgram(), 'bash'));
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "$1"; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _kconnect; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'completion',
      script,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((line) => line !== '');
}

describe('kconnect completion', () => {
  it('completes every registry command, its options and aliases, and nested commands, in bash', () => {
    const all = bashComplete(['kconnect', '']);
    for (const command of COMMANDS) expect(all).toContain(command.name.replace(/_/g, '-'));
    expect(all).toEqual(expect.arrayContaining(['config', 'serve', 'mcp', 'emulator', 'completion']));
    expect(bashComplete(['kconnect', 'isolate-hosts', '--ho'])).toEqual(['--host-ids', '--host']);
    // A value typed after an option does not change the command the options belong to.
    expect(bashComplete(['kconnect', 'isolate-hosts', '--host', 'DC01', '--time'])).toEqual(['--timeout']);
    expect(bashComplete(['kconnect', 'config', ''])).toEqual(
      expect.arrayContaining(['check', 'show', 'schema', 'init']),
    );
    expect(bashComplete(['kconnect', 'emulator', 'ksc', '--po'])).toEqual(['--port']);
  });

  it('writes zsh (through bashcompinit) and fish scripts from the same tree', () => {
    const program = buildProgram();
    const zsh = completionScript(program, 'zsh');
    expect(zsh.startsWith('#compdef kconnect')).toBe(true);
    expect(zsh).toContain('complete -o default -F _kconnect kconnect');
    const fish = completionScript(program, 'fish');
    expect(fish).toContain("complete -c kconnect -n '__fish_use_subcommand' -a 'list-hosts'");
    expect(fish).toContain("-n '__fish_seen_subcommand_from isolate-hosts' -l 'host-ids'");
    expect(fish).toContain(
      "-n '__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from check show schema init' -a 'check'",
    );
  });
});
