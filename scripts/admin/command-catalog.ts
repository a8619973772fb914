// Every command of the admin CLI: its options, how each is checked, its help and an example. The
// parser (command-line.ts) and the help (help.ts) read this; run-command.ts carries the commands out.
import {
  apiKey,
  type CheckContext,
  callId,
  idOf,
  keyHash,
  mediaNode,
  type OptionCheck,
  oneOf,
  recordingId,
  rfc3339,
  text,
  webhookSecret,
  webhookUrl,
  wholeNumber,
} from './option-checks.ts';
import { UsageError } from './usage-error.ts';

/** One option of a command. */
export interface OptionSpec {
  /** The value's placeholder in the help (`ID`, `URL`); none for a flag. */
  value?: string;
  description: string;
  required?: boolean;
  /** Used when the option is not given. */
  default?: string;
  check?: OptionCheck;
}

/** The options a command was given: strings for options with a value, true for flags. */
export type OptionValues = Record<string, string | true>;

/** One command. */
export interface CommandSpec {
  summary: string;
  /** The help's paragraph: what it does and what to know. */
  description: string;
  group: 'Accounts' | 'Webhooks' | 'Calls and recordings' | 'Recovery';
  options: Record<string, OptionSpec>;
  /** Rules between options (one of two, not both), after each value passed its own check. */
  check?: (values: OptionValues, context: CheckContext) => void;
  /** Environment variables it needs in AWS (without --local), besides TABLE_NAME and credentials. */
  env?: string[];
  examples: string[];
}

const customer = idOf('cust', 'a customer');
const application = idOf('app', 'an application');
const event = idOf('evt', 'a webhook event');

const applicationOption: OptionSpec = {
  value: 'ID',
  description: 'the application (app_…)',
  required: true,
  check: application,
};
const secretOptions: Record<string, OptionSpec> = {
  'webhook-secret': {
    value: 'SECRET',
    description: 'the webhook signing secret to use (at least 16 characters)',
    check: webhookSecret,
  },
  'generate-secret': { description: 'generate a signing secret (printed once)' },
};
const limitOption: OptionSpec = {
  value: 'N',
  description: 'at most this many messages (1-1000)',
  default: '100',
  check: wholeNumber(1, 1000),
};

/** Refuses two options that exclude each other. */
function notBoth(values: OptionValues, a: string, b: string) {
  if (values[a] !== undefined && values[b] !== undefined)
    throw new UsageError(`give --${a} or --${b}, not both`);
}

/** The commands, in the order the help lists them. */
export const COMMANDS: Record<string, CommandSpec> = {
  'create-customer': {
    group: 'Accounts',
    summary: 'create a customer',
    description: 'Creates a customer and prints it (its id is what create-application takes).',
    options: { name: { value: 'NAME', description: 'its name', required: true, check: text(200) } },
    examples: ['npm run admin -- --local create-customer --name "Acme"'],
  },
  'create-application': {
    group: 'Accounts',
    summary: "create a customer's application, with its webhook URL and secret",
    description:
      'Creates an active application of a customer. Its webhook secret is stored sealed with KMS and printed in clear once, in this answer.',
    options: {
      customer: { value: 'ID', description: 'the customer (cust_…)', required: true, check: customer },
      'webhook-url': {
        value: 'URL',
        description: 'where its webhooks go: https (plain http only to this machine, with --local)',
        check: webhookUrl,
      },
      ...secretOptions,
    },
    check: (values) => notBoth(values, 'webhook-secret', 'generate-secret'),
    env: ['WEBHOOK_SECRETS_KEY_ID (with a secret)'],
    examples: [
      'npm run admin -- --local create-application --customer cust_… --webhook-url https://example.com/hooks --generate-secret',
    ],
  },
  'create-key': {
    group: 'Accounts',
    summary: 'create an API key (printed once)',
    description: 'Creates an API key of an application. The key is printed once; only its hash is stored.',
    options: {
      application: applicationOption,
      mode: { value: 'MODE', description: 'test or live', default: 'test', check: oneOf('test', 'live') },
    },
    examples: ['npm run admin -- --local create-key --application app_… --mode test'],
  },
  'revoke-key': {
    group: 'Accounts',
    summary: 'revoke an API key at once',
    description: 'Revokes a key, given in clear or as its SHA-256 hash: it fails authentication at once.',
    options: {
      key: { value: 'KEY', description: 'the key (mv_test_… or mv_live_…)', check: apiKey },
      hash: { value: 'SHA256', description: "the key's SHA-256 hash, as stored", check: keyHash },
    },
    check: (values) => {
      notBoth(values, 'key', 'hash');
      if (values.key === undefined && values.hash === undefined) throw new UsageError('give --key or --hash');
    },
    examples: ['npm run admin -- --local revoke-key --key mv_test_…'],
  },
  'set-application-status': {
    group: 'Accounts',
    summary: 'disable or enable an application (every key at once)',
    description:
      'disabled: every key of the application is refused at once, whatever their number. active: each key is accepted again once its copy is updated, all of them when the command ends. Run it again if it was interrupted.',
    options: {
      application: applicationOption,
      status: {
        value: 'STATUS',
        description: 'active or disabled',
        required: true,
        check: oneOf('active', 'disabled'),
      },
    },
    examples: ['npm run admin -- --local set-application-status --application app_… --status disabled'],
  },
  'set-webhook': {
    group: 'Webhooks',
    summary: 'set the webhook URL (re-enables the endpoint, requeues parked events)',
    description:
      "Sets an application's webhook URL (and secret, replacing the current one at once, when given). The endpoint becomes active again and every event parked meanwhile is queued again.",
    options: {
      application: applicationOption,
      url: {
        value: 'URL',
        description: 'https (plain http only to this machine, with --local)',
        required: true,
        check: webhookUrl,
      },
      ...secretOptions,
    },
    check: (values) => notBoth(values, 'webhook-secret', 'generate-secret'),
    env: ['WEBHOOK_QUEUE_URL', 'WEBHOOK_SECRETS_KEY_ID (with a secret)'],
    examples: ['npm run admin -- --local set-webhook --application app_… --url https://example.com/hooks'],
  },
  'rotate-webhook-secret': {
    group: 'Webhooks',
    summary: 'new webhook secret (printed once); the old one signs too meanwhile',
    description:
      'Generates a new webhook secret, stored sealed and printed once. Until --keep-previous-hours from now every delivery is signed with both (the receiver verifies with either), then only with the new one.',
    options: {
      application: applicationOption,
      'keep-previous-hours': {
        value: 'H',
        description: 'hours the previous secret signs too (1-168)',
        default: '24',
        check: wholeNumber(1, 168),
      },
    },
    env: ['WEBHOOK_SECRETS_KEY_ID'],
    examples: ['npm run admin -- --local rotate-webhook-secret --application app_… --keep-previous-hours 24'],
  },
  'seal-webhook-secrets': {
    group: 'Webhooks',
    summary: 'seal secrets stored in plaintext by earlier versions',
    description:
      'Seals with KMS every webhook secret earlier versions stored in plaintext (idempotent; never prints a secret). Run it again until changed_meanwhile is empty.',
    options: {},
    env: ['WEBHOOK_SECRETS_KEY_ID'],
    examples: ['npm run admin -- seal-webhook-secrets'],
  },
  'webhook-endpoint': {
    group: 'Webhooks',
    summary: "the webhook endpoint's health: active, failing, disabled or gone",
    description: "Shows an application's webhook endpoint: its URL, status and since when.",
    options: { application: applicationOption },
    examples: ['npm run admin -- --local webhook-endpoint --application app_…'],
  },
  'redeliver-parked': {
    group: 'Webhooks',
    summary: 'queue the parked events of an application again',
    description: 'Queues again the events parked for an application (since a time, when given).',
    options: {
      application: applicationOption,
      since: { value: 'TIME', description: 'only events parked since (RFC 3339)', check: rfc3339 },
    },
    env: ['WEBHOOK_QUEUE_URL'],
    examples: ['npm run admin -- --local redeliver-parked --application app_… --since 2026-11-24T10:00:00Z'],
  },
  delivery: {
    group: 'Webhooks',
    summary: 'was an event delivered, when, after how many tries',
    description: 'Shows the delivery record of a webhook event.',
    options: { event: { value: 'ID', description: 'the event (evt_…)', required: true, check: event } },
    examples: ['npm run admin -- --local delivery --event evt_…'],
  },
  'create-call': {
    group: 'Calls and recordings',
    summary: "create a call (--local: with a channel on npm start's media server)",
    description:
      "Creates an active call of an application, as call control does. With --local the call gets a channel on npm start's simulated FreeSWITCH, named on the call (media_node); in AWS give what call control knows.",
    options: {
      application: applicationOption,
      id: { value: 'ID', description: 'its id (call_…; default: a new one)', check: callId },
      'provider-call-id': {
        value: 'UUID',
        description: "the media server's channel uuid (--local: the new channel's)",
        check: text(128),
      },
      'media-node': {
        value: 'NAME',
        description: 'the media server holding the channel, a name of ESL_NODES',
        check: mediaNode,
      },
      status: { value: 'STATUS', description: 'its status (default in_progress)', check: text(32) },
      direction: {
        value: 'DIRECTION',
        description: 'inbound or outbound',
        check: oneOf('inbound', 'outbound'),
      },
      from: { value: 'NUMBER', description: 'the calling number', check: text(64) },
      to: { value: 'NUMBER', description: 'the called number', check: text(64) },
    },
    examples: [
      'npm run admin -- --local create-call --application app_…',
      'npm run admin -- create-call --application app_… --provider-call-id <uuid> --media-node fs-b',
    ],
  },
  'end-call': {
    group: 'Calls and recordings',
    summary: 'end a call (--local: hangs its channel up)',
    description:
      "Ends a call. With --local its channel hangs up on npm start's media server, as a caller would: the media events end its recording and the call (this waits up to 10 s to show the ended call).",
    options: {
      call: { value: 'ID', description: 'the call (call_…)', required: true, check: callId },
      status: {
        value: 'STATUS',
        description: 'completed (default), failed, canceled, busy or no_answer (not with --local)',
        check: oneOf('completed', 'failed', 'canceled', 'busy', 'no_answer'),
      },
    },
    check: (values, { local }) => {
      if (local && values.status !== undefined)
        throw new UsageError('--status is not for --local: the channel hangs up, and the call completes');
    },
    examples: ['npm run admin -- --local end-call --call call_…'],
  },
  'list-recordings': {
    group: 'Calls and recordings',
    summary: "a call's recordings",
    description: 'Lists the recordings of a call, oldest first.',
    options: { call: { value: 'ID', description: 'the call (call_…)', required: true, check: callId } },
    examples: ['npm run admin -- --local list-recordings --call call_…'],
  },
  'delete-recording': {
    group: 'Calls and recordings',
    summary: "delete a recording's audio (recording.deleted is sent)",
    description:
      'Deletes the audio of a recording; the recording stays as status "deleted" and recording.deleted is sent.',
    options: {
      recording: {
        value: 'ID',
        description: 'the recording (rec_call_…)',
        required: true,
        check: recordingId,
      },
    },
    env: ['RECORDINGS_BUCKET'],
    examples: ['npm run admin -- --local delete-recording --recording rec_call_…'],
  },
  'set-retention': {
    group: 'Calls and recordings',
    summary: "days an application's recordings are kept (0 = forever)",
    description:
      'Sets how long the recordings of an application are kept after they complete (default 90 days). It applies to recordings that complete from now on.',
    options: {
      application: applicationOption,
      days: {
        value: 'N',
        description: 'days (0 keeps them forever; at most 3650)',
        required: true,
        check: wholeNumber(0, 3650, ' (keep forever)'),
      },
    },
    examples: ['npm run admin -- --local set-retention --application app_… --days 30'],
  },
  'dlq-list': {
    group: 'Recovery',
    summary: 'the webhook DLQ: messages the sender could not handle',
    description: 'Lists the messages in the webhook dead-letter queue without consuming them.',
    options: { limit: limitOption },
    env: ['WEBHOOK_QUEUE_URL', 'WEBHOOK_DLQ_URL'],
    examples: ['npm run admin -- --local dlq-list --limit 20'],
  },
  'dlq-replay': {
    group: 'Recovery',
    summary: 'move the webhook DLQ back to the webhook queue',
    description: 'Moves messages from the webhook dead-letter queue back to the webhook queue.',
    options: { limit: limitOption },
    env: ['WEBHOOK_QUEUE_URL', 'WEBHOOK_DLQ_URL'],
    examples: ['npm run admin -- --local dlq-replay'],
  },
  'outbox-replay': {
    group: 'Recovery',
    summary: 'queue again the events committed in a window',
    description:
      'Queues again every event committed in a time window, from the outbox items in the table (events already delivered are not delivered twice). --from-dlq takes the window of the stream batches in the outbox DLQ, then clears it.',
    options: {
      since: { value: 'TIME', description: 'window start (RFC 3339)', check: rfc3339 },
      until: { value: 'TIME', description: 'window end (RFC 3339)', check: rfc3339 },
      'from-dlq': { description: 'the window of the failed stream batches (OUTBOX_DLQ_URL)' },
    },
    check: (values) => {
      const window = values.since !== undefined || values.until !== undefined;
      if (window && values['from-dlq'] !== undefined)
        throw new UsageError('give --since/--until or --from-dlq, not both');
      if (values['from-dlq'] === undefined && (values.since === undefined || values.until === undefined))
        throw new UsageError('give --since and --until, or --from-dlq');
      if (window && Date.parse(values.since as string) > Date.parse(values.until as string))
        throw new UsageError('--since must not be after --until');
    },
    env: ['WEBHOOK_QUEUE_URL', 'OUTBOX_DLQ_URL (with --from-dlq)'],
    examples: [
      'npm run admin -- outbox-replay --since 2026-11-24T10:00:00Z --until 2026-11-24T11:00:00Z',
      'npm run admin -- outbox-replay --from-dlq',
    ],
  },
};

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  local: { description: 'work on the running npm start (its .local/runtime.json) instead of AWS' },
  help: { description: 'this help' },
};
