import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../scripts/admin/command-catalog.ts';
import { readCommandLine } from '../../../scripts/admin/command-line.ts';
import { commandHelp, generalHelp } from '../../../scripts/admin/help.ts';
import { UsageError } from '../../../scripts/admin/usage-error.ts';

/** The one-line refusal of a command line (fails the test if it was accepted). */
function refusal(...args: string[]): string {
  try {
    readCommandLine(args);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('readCommandLine', () => {
  it('reads a command, its options and --local wherever it stands, with the defaults filled in', () => {
    expect(readCommandLine(['dlq-list', '--local'])).toEqual({
      kind: 'run',
      command: 'dlq-list',
      local: true,
      options: { limit: '100' },
    });
  });

  it('takes a value written with =', () => {
    expect(readCommandLine(['set-retention', '--application=app_1', '--days=0'])).toEqual({
      kind: 'run',
      command: 'set-retention',
      local: false,
      options: { application: 'app_1', days: '0' },
    });
  });

  it('reads --help, -h and help <command> as a request for that help', () => {
    expect([
      readCommandLine(['--help']),
      readCommandLine(['create-key', '-h']),
      readCommandLine(['help', 'create-key']),
      readCommandLine([]),
    ]).toEqual([
      { kind: 'help', asked: true },
      { kind: 'help', command: 'create-key', asked: true },
      { kind: 'help', command: 'create-key', asked: true },
      { kind: 'help', asked: false },
    ]);
  });

  it.each([
    [['purge'], 'unknown command "purge"; the commands: npm run admin -- --help'],
    [
      ['create-custmer', '--name', 'A'],
      'unknown command "create-custmer" (did you mean create-customer?); the commands: npm run admin -- --help',
    ],
    [['help', 'purge'], 'unknown command "purge"; the commands: npm run admin -- --help'],
    [['--verbose'], 'unknown option --verbose; the commands and their options: npm run admin -- --help'],
    [
      ['create-customer', '--nmae', 'Acme'],
      'create-customer has no option --nmae (did you mean --name?); its options: --name',
    ],
    [['list-recordings', '--call', 'call_1', '-x'], 'list-recordings has no option -x; its options: --call'],
    [['create-customer', '--name'], '--name needs a value (NAME)'],
    [['create-customer', '--name', '--local'], '--name needs a value (NAME)'],
    [['create-customer', '--name', 'A', 'B'], 'unexpected argument "B" (options start with --)'],
    [['create-customer', '--name', 'A', '--name', 'B'], '--name is given twice'],
    [['create-customer'], '--name is required (npm run admin -- help create-customer)'],
    [['--local=yes', 'dlq-list'], '--local takes no value'],
    [['outbox-replay', '--from-dlq=yes'], '--from-dlq takes no value'],
  ])('refuses %j: %s', (args, message) => {
    expect(refusal(...args)).toBe(message);
  });

  it.each([
    [['dlq-list', '--limit', 'abc'], '--limit must be a whole number from 1 to 1000'],
    [['dlq-replay', '--limit', '0'], '--limit must be a whole number from 1 to 1000'],
    [
      ['set-retention', '--application', 'app_1', '--days', '-1'],
      '--days must be a whole number from 0 (keep forever) to 3650',
    ],
    [
      ['rotate-webhook-secret', '--application', 'app_1', '--keep-previous-hours', '1.5'],
      '--keep-previous-hours must be a whole number from 1 to 168',
    ],
    [['create-key', '--application', 'app_1', '--mode', 'prod'], '--mode must be test or live, not "prod"'],
    [
      ['end-call', '--call', 'call_1', '--status', 'done'],
      '--status must be one of completed, failed, canceled, busy, no_answer, not "done"',
    ],
  ])('refuses a bad number or word %j: %s', (args, message) => {
    expect(refusal(...args)).toBe(message);
  });

  it.each([
    [
      ['create-key', '--application', 'cust_1'],
      '--application must be an application id (app_…), not "cust_1"',
    ],
    [['create-application', '--customer', 'acme'], '--customer must be a customer id (cust_…), not "acme"'],
    [['list-recordings', '--call', 'call-1'], '--call must be a call id (call_…), not "call-1"'],
    [
      ['delete-recording', '--recording', 'rec_1'],
      '--recording must be a recording id (rec_call_…), not "rec_1"',
    ],
    [['delivery', '--event', 'evt_a-b'], '--event must be a webhook event id (evt_…), not "evt_a-b"'],
    [['revoke-key', '--key', 'sk_live_abc'], '--key must be an API key (mv_test_… or mv_live_…)'],
    [['revoke-key', '--hash', 'ABC'], "--hash must be a key's SHA-256 hash (64 hex digits)"],
    [
      ['create-call', '--application', 'app_1', '--media-node', 'FS_B'],
      '--media-node FS_B must be 1-32 lower-case letters, digits or dashes (a name of ESL_NODES)',
    ],
  ])('refuses a malformed id %j: %s', (args, message) => {
    expect(refusal(...args)).toBe(message);
  });

  it.each([
    [['--webhook-url', 'not-a-url'], false, '--webhook-url is not a URL: not-a-url'],
    [
      ['--webhook-url', 'http://hooks.example.com/mv'],
      false,
      '--webhook-url must use https (plain http only to this machine, with --local)',
    ],
    [
      ['--webhook-url', 'http://127.0.0.1:3000/_local/webhooks'],
      false,
      '--webhook-url must use https (plain http only to this machine, with --local)',
    ],
    [
      ['--webhook-url', 'http://hooks.example.com/mv'],
      true,
      '--webhook-url must use https (plain http only to 127.0.0.1, ::1 or localhost)',
    ],
    [['--webhook-url', 'ftp://hooks.example.com/mv'], true, '--webhook-url must use https'],
    [
      ['--webhook-url', 'https://user:pw@hooks.example.com/mv'],
      false,
      '--webhook-url must not carry a user name or password',
    ],
    [['--webhook-secret', 'short'], false, '--webhook-secret must have at least 16 characters'],
    [
      ['--webhook-secret', 'a-secret-long-enough', '--generate-secret'],
      false,
      'give --webhook-secret or --generate-secret, not both',
    ],
  ])('refuses the webhook option %j (local %s): %s', (args, local, message) => {
    expect(
      refusal(...(local ? ['--local'] : []), 'create-application', '--customer', 'cust_1', ...args),
    ).toBe(message);
  });

  it('accepts plain http to this machine with --local only', () => {
    const urls = ['http://127.0.0.1:3000/_local/webhooks', 'http://localhost:8080/', 'http://[::1]:9000/h'];

    expect(
      urls.map(
        (url) => readCommandLine(['--local', 'set-webhook', '--application', 'app_1', '--url', url]).kind,
      ),
    ).toEqual(['run', 'run', 'run']);
  });

  it.each([
    [
      ['--since', 'yesterday', '--until', '2026-11-24T11:00:00Z'],
      '--since must be an RFC 3339 time such as 2026-11-24T10:00:00Z, not "yesterday"',
    ],
    [
      ['--since', '2026', '--until', '2026-11-24T11:00:00Z'],
      '--since must be an RFC 3339 time such as 2026-11-24T10:00:00Z, not "2026"',
    ],
    [['--since', '2026-11-24T10:00:00Z'], 'give --since and --until, or --from-dlq'],
    [['--from-dlq', '--since', '2026-11-24T10:00:00Z'], 'give --since/--until or --from-dlq, not both'],
    [
      ['--since', '2026-11-24T12:00:00Z', '--until', '2026-11-24T11:00:00+00:00'],
      '--since must not be after --until',
    ],
  ])('refuses the outbox-replay window %j: %s', (args, message) => {
    expect(refusal('outbox-replay', ...args)).toBe(message);
  });

  it('refuses a key given both in clear and as a hash, and neither', () => {
    expect([
      refusal('revoke-key', '--key', `mv_test_${'a'.repeat(40)}`, '--hash', 'f'.repeat(64)),
      refusal('revoke-key'),
    ]).toEqual(['give --key or --hash, not both', 'give --key or --hash']);
  });

  it('refuses end-call --status with --local, where the channel hangs up', () => {
    expect(refusal('--local', 'end-call', '--call', 'call_1', '--status', 'failed')).toBe(
      '--status is not for --local: the channel hangs up, and the call completes',
    );
  });
});

describe('the help', () => {
  it('lists every command', () => {
    const help = generalHelp();

    expect(Object.keys(COMMANDS).filter((name) => !help.includes(`\n  ${name} `))).toEqual([]);
  });

  it('shows a command’s usage line, every option and an example', () => {
    expect(commandHelp('set-retention', COMMANDS['set-retention'] as (typeof COMMANDS)[string])).toBe(
      [
        'usage: npm run admin -- [--local] set-retention --application ID --days N',
        '',
        'Sets how long the recordings of an application are kept after they complete (default 90 days). It applies to recordings that complete from now on.',
        '',
        'Options:',
        '  --application ID  the application (app_…) (required)',
        '  --days N          days (0 keeps them forever; at most 3650) (required)',
        '  --local           work on the running npm start (its .local/runtime.json) instead of AWS',
        '',
        'In AWS it needs your AWS credentials, TABLE_NAME.',
        '',
        'Example:',
        '  npm run admin -- --local set-retention --application app_… --days 30',
      ].join('\n'),
    );
  });

  it('gives every command an example that its own parser accepts', () => {
    const refused = Object.values(COMMANDS)
      .flatMap((spec) => spec.examples)
      .map((example) =>
        example
          .replace(/^npm run admin -- /, '')
          .replace('mv_test_…', `mv_test_${'a'.repeat(40)}`)
          .replaceAll('…', '1')
          .replace('<uuid>', 'aa-bb'),
      )
      .map((example) => example.match(/"[^"]*"|\S+/g)?.map((arg) => arg.replace(/^"|"$/g, '')) ?? [])
      .filter((args) => {
        try {
          return readCommandLine(args).kind !== 'run';
        } catch {
          return true;
        }
      });

    expect(refused).toEqual([]);
  });
});
