import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from './command-catalog.ts';

const PROGRAM = 'npm run admin --';

/** The CLI's help: the commands by group, the common options and where the settings come from. */
export function generalHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const groups = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(COMMANDS)) {
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), `  ${name.padEnd(width)}${spec.summary}`]);
  }
  return [
    `usage: ${PROGRAM} [--local] <command> [options]`,
    '',
    'Operator commands of MiniVoice Recordings; each prints its result as JSON. With --local they work on',
    'the running `npm start`; otherwise on AWS, with your AWS credentials and TABLE_NAME (plus, for some',
    'commands, WEBHOOK_QUEUE_URL, WEBHOOK_DLQ_URL, OUTBOX_DLQ_URL, RECORDINGS_BUCKET, WEBHOOK_SECRETS_KEY_ID:',
    "the stack's outputs).",
    ...[...groups].flatMap(([group, lines]) => ['', `${group}:`, ...lines]),
    '',
    'Options of every command:',
    `  --local       ${GLOBAL_OPTIONS.local?.description}`,
    "  -h, --help    the command's options and an example",
    '',
    `${PROGRAM} help <command> (or <command> --help) shows a command's options and an example.`,
  ].join('\n');
}

/** One command's help: its usage line, what it does, each option, the settings it needs, examples. */
export function commandHelp(name: string, spec: CommandSpec): string {
  const options = Object.entries(spec.options);
  const labels = options.map(([option, o]) => label(option, o));
  const width = Math.max(12, ...labels.map((l) => l.length)) + 2;
  return [
    `usage: ${PROGRAM} [--local] ${name}${usageOptions(spec)}`,
    '',
    spec.description,
    '',
    'Options:',
    ...options.map(([, option], i) => `  ${(labels[i] as string).padEnd(width)}${describe(option)}`),
    `  ${'--local'.padEnd(width)}${GLOBAL_OPTIONS.local?.description}`,
    '',
    `In AWS it needs your AWS credentials, TABLE_NAME${spec.env ? `, ${spec.env.join(', ')}` : ''}.`,
    '',
    spec.examples.length > 1 ? 'Examples:' : 'Example:',
    ...spec.examples.map((example) => `  ${example}`),
  ].join('\n');
}

function label(name: string, option: OptionSpec): string {
  return option.value ? `--${name} ${option.value}` : `--${name}`;
}

function describe(option: OptionSpec): string {
  const notes = [option.required ? 'required' : '', option.default ? `default ${option.default}` : '']
    .filter(Boolean)
    .join('; ');
  return notes ? `${option.description} (${notes})` : option.description;
}

/** ` --customer ID [--webhook-url URL] …`: required options bare, the others in brackets. */
function usageOptions(spec: CommandSpec): string {
  return Object.entries(spec.options)
    .map(([name, option]) => (option.required ? ` ${label(name, option)}` : ` [${label(name, option)}]`))
    .join('');
}
