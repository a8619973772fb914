import { parseArgs } from 'node:util';
import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type OptionValues } from './command-catalog.ts';
import { UsageError } from './usage-error.ts';

/** What the command line asks for. */
export type AdminRequest =
  /** The CLI's help (`command` undefined) or a command's. `asked` false: no command was given at all. */
  | { kind: 'help'; command?: string; asked: boolean }
  | { kind: 'run'; command: string; local: boolean; options: OptionValues };

const HELP_HINT = 'npm run admin -- --help';

/** Every option some command takes, as typed (`--name`), and the global ones (`-h` too). */
const KNOWN_OPTIONS = new Set([
  '-h',
  ...Object.keys(GLOBAL_OPTIONS).map((name) => `--${name}`),
  ...Object.values(COMMANDS).flatMap((spec) => Object.keys(spec.options).map((name) => `--${name}`)),
]);

/**
 * Reads the admin CLI's arguments with Node's `util.parseArgs`, then checks them against the command's
 * options (command-catalog.ts): an unknown command or option, a missing or malformed value, or options
 * that exclude each other are a {@link UsageError} with a one-line message. `--local` and `--help` may
 * stand anywhere; `help <command>` equals `<command> --help`.
 */
export function readCommandLine(args: readonly string[]): AdminRequest {
  const { tokens } = parseArgs({
    args: [...args],
    options: optionTypes(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  const given = new Map<string, { raw: string; value: string | undefined; inline: boolean }>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option') {
      if (given.has(token.name)) throw new UsageError(`${token.rawName} is given twice`);
      given.set(token.name, { raw: token.rawName, value: token.value, inline: token.inlineValue === true });
    }
  }
  const [first, ...rest] = positionals;
  const helpAsked = given.has('help') || first === 'help';
  const command = first === 'help' ? rest.shift() : first;
  if (command === undefined || !(command in COMMANDS)) {
    // An option no command knows says more than the word after it taken for a command.
    const stray = [...given.values()].find(({ raw }) => !KNOWN_OPTIONS.has(raw));
    if (stray)
      throw new UsageError(`unknown option ${stray.raw}; the commands and their options: ${HELP_HINT}`);
  }
  if (command === undefined) return { kind: 'help', asked: helpAsked };
  const spec = commandSpec(command);
  if (helpAsked) return { kind: 'help', command, asked: true };

  const local = given.has('local');
  const options: OptionValues = {};
  for (const [name, { raw, value, inline }] of given) {
    if (name === 'local') {
      if (value !== undefined) throw new UsageError('--local takes no value');
      continue;
    }
    const option = raw.startsWith('--') ? spec.options[name] : undefined;
    if (!option) throw new UsageError(unknownOption(raw, command, spec));
    if (!option.value) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    // parseArgs takes the next argument as the value, even "--other": that is a forgotten value.
    if (value === undefined || value === '' || (!inline && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value (${option.value})`);
    option.check?.(value, name, { local });
    options[name] = value;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" (options start with --)`);
  for (const [name, option] of Object.entries(spec.options)) {
    if (options[name] !== undefined) continue;
    if (option.required) throw new UsageError(`--${name} is required (npm run admin -- help ${command})`);
    if (option.default !== undefined) options[name] = option.default;
  }
  spec.check?.(givenOnly(options, given), { local });
  return { kind: 'run', command, local, options };
}

/** The command's spec, or a refusal naming the closest command. */
export function commandSpec(command: string): CommandSpec {
  const spec = COMMANDS[command];
  if (spec) return spec;
  const close = closest(command, Object.keys(COMMANDS));
  throw new UsageError(
    `unknown command "${command}"${close ? ` (did you mean ${close}?)` : ''}; the commands: ${HELP_HINT}`,
  );
}

/** Every option any command knows, typed, so that parseArgs knows which ones take a value. */
function optionTypes() {
  const types: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    local: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const spec of Object.values(COMMANDS)) {
    for (const [name, option] of Object.entries(spec.options)) {
      types[name] = { type: option.value ? 'string' : 'boolean' };
    }
  }
  for (const name of Object.keys(GLOBAL_OPTIONS)) types[name] ??= { type: 'boolean' };
  return types;
}

/** The options as given (defaults left out), for the rules between options. */
function givenOnly(options: OptionValues, given: Map<string, unknown>): OptionValues {
  return Object.fromEntries(Object.entries(options).filter(([name]) => given.has(name)));
}

function unknownOption(raw: string, command: string, spec: CommandSpec): string {
  const names = Object.keys(spec.options);
  const close = closest(raw.replace(/^-+/, ''), names);
  const known = names.length > 0 ? names.map((n) => `--${n}`).join(', ') : 'none';
  return `${command} has no option ${raw}${close ? ` (did you mean --${close}?)` : ''}; its options: ${known}`;
}

/** The candidate within two edits of `word` (a typo), if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
