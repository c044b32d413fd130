import { Argument, Command } from 'commander';
import { processIo, type CliIo } from './cli-io.ts';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** One command path (`config check`) with what can follow it: subcommands and long options. */
interface CompletionNode {
  readonly path: readonly string[];
  readonly description: string;
  readonly subcommands: readonly string[];
  readonly options: readonly string[];
}

/** Every command of the program, walked from the root, as the completion scripts need them. */
function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: readonly string[]): void => {
    const subcommands = command.commands.filter((c) => c.name() !== 'help');
    nodes.push({
      path,
      description: command.summary() || command.description(),
      subcommands: subcommands.map((c) => c.name()),
      options: [...command.options.flatMap((o) => (o.long === undefined ? [] : [o.long])), '--help'],
    });
    for (const sub of subcommands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return nodes;
}

/** Text safe inside single quotes of every shell here. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bashScript(nodes: readonly CompletionNode[]): string {
  const cases = nodes
    .map((node) => {
      const words = [...node.subcommands, ...node.options].join(' ');
      return `    ${quoted(node.path.join(' '))}) words=${quoted(words)} ;;`;
    })
    .join('\n');
  return `# kconnect completion for bash: eval "$(kconnect completion bash)" (or save it in
# ~/.local/share/bash-completion/completions/kconnect). Generated from the command line itself.
_kconnect() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" words="" i
  # The command path so far: the words before the cursor that are not options or their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) _kconnect_node "\${path:+$path }\${COMP_WORDS[i]}" && path="\${path:+$path }\${COMP_WORDS[i]}" ;;
    esac
  done
  _kconnect_node "$path"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_kconnect_node() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  return 0
}
complete -o default -F _kconnect kconnect
`;
}

function zshScript(nodes: readonly CompletionNode[]): string {
  return `#compdef kconnect
# kconnect completion for zsh: eval "$(kconnect completion zsh)". Uses zsh's bash completion support.
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes)}`;
}

function fishScript(nodes: readonly CompletionNode[]): string {
  const lines = [
    '# kconnect completion for fish: kconnect completion fish > ~/.config/fish/completions/kconnect.fish',
  ];
  lines.push('complete -c kconnect -f');
  for (const node of nodes) {
    // Fish knows where it is by the words seen: the node's last word, and none of its subcommands yet.
    const last = node.path.at(-1);
    const condition =
      last === undefined
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${last}` +
          (node.subcommands.length > 0
            ? `; and not __fish_seen_subcommand_from ${node.subcommands.join(' ')}`
            : '');
    const parent = nodes.find(
      (n) => n.path.length === node.path.length - 1 && n.subcommands.includes(last ?? ''),
    );
    if (last !== undefined && parent !== undefined) {
      const parentCondition =
        parent.path.length === 0
          ? '__fish_use_subcommand'
          : `__fish_seen_subcommand_from ${parent.path.at(-1)}; and not __fish_seen_subcommand_from ${parent.subcommands.join(' ')}`;
      lines.push(
        `complete -c kconnect -n ${quoted(parentCondition)} -a ${quoted(last)} -d ${quoted(node.description)}`,
      );
    }
    for (const option of node.options) {
      lines.push(`complete -c kconnect -n ${quoted(condition)} -l ${quoted(option.replace(/^--/, ''))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of a shell for `program`. */
export function completionScript(program: Command, shell: Shell): string {
  const nodes = completionTree(program);
  if (shell === 'bash') return bashScript(nodes);
  if (shell === 'zsh') return zshScript(nodes);
  return fishScript(nodes);
}

/**
 * `kconnect completion bash|zsh|fish`: prints a completion script for the shell, generated from the command line
 * itself (every command, subcommand and long option), so it never lags behind the registry.
 */
export function completionCommand(program: () => Command, io: CliIo = processIo()): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell) => {
      io.stdout.write(completionScript(program(), shell));
      io.exit(0);
    });
}
