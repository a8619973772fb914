import { describe, expect, it } from 'vitest';
import { loadMediaEventsConfig } from '../../../functions/media-events/config.ts';
import { loadOutboxRelayConfig } from '../../../functions/outbox-relay/config.ts';
import { loadRecordingsConfig } from '../../../functions/recordings/config.ts';
import { loadRetentionSweepConfig } from '../../../functions/retention-sweep/config.ts';
import { loadWebhookSenderConfig } from '../../../functions/webhook-sender/config.ts';
import { loadMediaRelayConfig, recordingsRoot } from '../../../services/media-relay/config.ts';

const base = {
  TABLE_NAME: 'minivoice-dev',
  WEBHOOK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/webhooks',
};
const sender = {
  ...base,
  WEBHOOK_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/webhooks-dlq',
  WEBHOOK_SECRETS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b',
};
const freeswitch = {
  ...base,
  ESL_NODES: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
  RECORDINGS_BUCKET: 'minivoice-recordings-dev',
};

/** The recordings function's environment: the FreeSWITCH settings and the API's public base URL. */
const recordings = { ...freeswitch, PUBLIC_API_URL: 'https://api.minivoice.example/prod' };

describe('loadRecordingsConfig', () => {
  it('applies the documented defaults', () => {
    expect(
      loadRecordingsConfig({
        ...recordings,
        ESL_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:esl',
      }),
    ).toEqual({
      ...recordings,
      ESL_NODES: [
        { name: 'fs-a', host: '10.0.1.10', port: 8021 },
        { name: 'fs-b', host: '10.0.2.10', port: 8021 },
      ],
      ESL_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:esl',
      ESL_TIMEOUT_MS: 3000,
      RECORDING_PATH_TEMPLATE: '/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav',
      CLAIM_LEASE_MS: 10_000,
      STOP_SETTLE_MS: 8000,
      RATE_LIMIT_PER_SECOND: 50,
      RATE_LIMIT_BURST: 100,
      S3_FORCE_PATH_STYLE: false,
    });
  });

  it('names a missing variable', () => {
    const { TABLE_NAME: _, ...rest } = { ...recordings, ESL_PASSWORD: 'x' };
    expect(() => loadRecordingsConfig(rest)).toThrow(/TABLE_NAME/);
  });

  it('reads the per-application allowance from RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST', () => {
    const config = loadRecordingsConfig({
      ...recordings,
      ESL_PASSWORD: 'x',
      RATE_LIMIT_PER_SECOND: '10',
      RATE_LIMIT_BURST: '25',
    });

    expect([config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST]).toEqual([10, 25]);
  });

  it('refuses an allowance of zero requests', () => {
    expect(() => loadRecordingsConfig({ ...recordings, ESL_PASSWORD: 'x', RATE_LIMIT_BURST: '0' })).toThrow(
      /RATE_LIMIT_BURST/,
    );
  });

  it('names ESL_NODES, and its format, when the media servers are missing', () => {
    const { ESL_NODES: _, ...rest } = { ...recordings, ESL_PASSWORD: 'x' };
    expect(() => loadRecordingsConfig({ ...rest, ESL_HOST: '10.0.0.5' })).toThrow(
      'invalid configuration: ESL_NODES: required: comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021 (it replaces ESL_HOST and ESL_PORT)',
    );
  });

  it('names ESL_NODES and the entry that is wrong', () => {
    expect(() =>
      loadRecordingsConfig({
        ...recordings,
        ESL_PASSWORD: 'x',
        ESL_NODES: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10',
      }),
    ).toThrow(
      'invalid configuration: ESL_NODES: "fs-b=10.0.2.10" is not name=host:port (comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021)',
    );
  });

  it('asks for exactly one source of the event socket password', () => {
    expect(() => loadRecordingsConfig(recordings)).toThrow(
      'invalid configuration: ESL_PASSWORD_SECRET_ARN: set exactly one of ESL_PASSWORD and ESL_PASSWORD_SECRET_ARN',
    );
  });

  it('refuses a path template that does not name the recording', () => {
    expect(() =>
      loadRecordingsConfig({
        ...recordings,
        ESL_PASSWORD: 'x',
        RECORDING_PATH_TEMPLATE: '/rec/{customer_id}/{call_id}.wav',
      }),
    ).toThrow('invalid configuration: RECORDING_PATH_TEMPLATE: must contain {recording_id}');
  });

  it('refuses a path template that does not name the customer (the storage prefix)', () => {
    expect(() =>
      loadRecordingsConfig({
        ...recordings,
        ESL_PASSWORD: 'x',
        RECORDING_PATH_TEMPLATE: '/rec/{recording_id}.wav',
      }),
    ).toThrow('invalid configuration: RECORDING_PATH_TEMPLATE: must contain {customer_id}');
  });

  it("needs PUBLIC_API_URL, the base of completed recordings' file_url", () => {
    const { PUBLIC_API_URL: _, ...rest } = { ...recordings, ESL_PASSWORD: 'x' };
    expect(() => loadRecordingsConfig(rest)).toThrow(/^invalid configuration: PUBLIC_API_URL: /);
  });

  it('reads PUBLIC_API_URL without its trailing slash', () => {
    const config = loadRecordingsConfig({
      ...recordings,
      ESL_PASSWORD: 'x',
      PUBLIC_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
    });

    expect(config.PUBLIC_API_URL).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('refuses a PUBLIC_API_URL that is not http(s)', () => {
    expect(() =>
      loadRecordingsConfig({
        ...recordings,
        ESL_PASSWORD: 'x',
        PUBLIC_API_URL: 'ftp://api.minivoice.example',
      }),
    ).toThrow(/^invalid configuration: PUBLIC_API_URL: /);
  });

  it('needs the recordings bucket', () => {
    const { RECORDINGS_BUCKET: _, ...rest } = { ...recordings, ESL_PASSWORD: 'x' };
    expect(() => loadRecordingsConfig(rest)).toThrow(/RECORDINGS_BUCKET/);
  });
});

describe('loadMediaEventsConfig', () => {
  it('reads the same media servers as the recordings function', () => {
    expect(
      loadMediaEventsConfig({
        ...freeswitch,
        ESL_PASSWORD: 'x',
        ESL_NODES: 'fs-a=10.0.1.10:8021',
        MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
        PUBLIC_API_URL: 'https://api.minivoice.example',
      }).ESL_NODES,
    ).toEqual([{ name: 'fs-a', host: '10.0.1.10', port: 8021 }]);
  });

  it('refuses a malformed ESL_NODES, naming it', () => {
    expect(() =>
      loadMediaEventsConfig({
        ...freeswitch,
        ESL_PASSWORD: 'x',
        ESL_NODES: 'fs-a=10.0.1.10:80210',
        MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
        PUBLIC_API_URL: 'https://api.minivoice.example',
      }),
    ).toThrow('invalid configuration: ESL_NODES: node fs-a: port "80210" is not 1-65535');
  });

  it('needs the media-events queue and the public API URL besides the FreeSWITCH settings', () => {
    expect(() => loadMediaEventsConfig({ ...freeswitch, ESL_PASSWORD: 'x' })).toThrow(
      /MEDIA_EVENTS_QUEUE_URL.*PUBLIC_API_URL|PUBLIC_API_URL.*MEDIA_EVENTS_QUEUE_URL/,
    );
  });
});

describe('loadRetentionSweepConfig', () => {
  it('needs the table and the bucket (its events leave through the table stream)', () => {
    expect(loadRetentionSweepConfig({ ...base, RECORDINGS_BUCKET: 'b-1' })).toEqual({
      TABLE_NAME: base.TABLE_NAME,
      RECORDINGS_BUCKET: 'b-1',
      S3_FORCE_PATH_STYLE: false,
    });
  });
});

describe('loadMediaRelayConfig', () => {
  it("needs this media server's name in the functions' ESL_NODES", () => {
    const relay = {
      ESL_HOST: '10.0.1.10',
      ESL_PASSWORD: 'ClueCon',
      MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
      RECORDINGS_BUCKET: 'minivoice-recordings-prod',
    };
    expect(() => loadMediaRelayConfig(relay)).toThrow(
      "invalid configuration: MEDIA_NODE: required: this media server's name in the functions' ESL_NODES",
    );
    expect(() => loadMediaRelayConfig({ ...relay, MEDIA_NODE: 'ip-10-0-1-10.ec2.internal' })).toThrow(
      'invalid configuration: MEDIA_NODE: must be 1-32 lower-case letters, digits or dashes, as in ESL_NODES',
    );
  });

  it("needs the address of this host's Event Socket: it listens on the private address, not 127.0.0.1", () => {
    expect(() =>
      loadMediaRelayConfig({
        ESL_PASSWORD: 'ClueCon',
        MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
        MEDIA_NODE: 'fs1',
        RECORDINGS_BUCKET: 'minivoice-recordings-prod',
      }),
    ).toThrow(
      "invalid configuration: ESL_HOST: required: the private address this host's Event Socket listens on (event_socket.conf.xml listen-ip)",
    );
  });

  it('applies the documented defaults and finds the recordings directory in the path template', () => {
    const config = loadMediaRelayConfig({
      ESL_HOST: '10.0.1.10',
      ESL_PASSWORD: 'ClueCon',
      MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
      MEDIA_NODE: 'fs1',
      RECORDINGS_BUCKET: 'minivoice-recordings-prod',
    });

    expect(config).toEqual({
      ESL_HOST: '10.0.1.10',
      ESL_PORT: 8021,
      ESL_PASSWORD: 'ClueCon',
      ESL_TIMEOUT_MS: 3000,
      MEDIA_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/media-events',
      RECORDING_PATH_TEMPLATE: '/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav',
      RELAY_STATE_FILE: '/var/lib/minivoice-media-relay/state.json',
      MEDIA_NODE: 'fs1',
      RECONCILE_EVERY_MS: 30_000,
      SCAN_MIN_AGE_MS: 10_000,
      RETENTION_DAYS: 7,
      RECORDINGS_BUCKET: 'minivoice-recordings-prod',
      S3_FORCE_PATH_STYLE: false,
      UPLOAD_GIVE_UP_MS: 86_400_000,
      UPLOAD_ALARM_AFTER_MS: 120_000,
      UPLOAD_CONCURRENCY: 4,
    });
    expect(recordingsRoot(config.RECORDING_PATH_TEMPLATE)).toBe('/var/lib/freeswitch/recordings/');
  });
});

describe('loadOutboxRelayConfig', () => {
  it('needs only the webhook queue', () => {
    expect(loadOutboxRelayConfig(base)).toEqual({ WEBHOOK_QUEUE_URL: base.WEBHOOK_QUEUE_URL });
  });
});

describe('loadWebhookSenderConfig', () => {
  it('keeps local targets off unless asked', () => {
    expect(loadWebhookSenderConfig(sender)).toEqual({
      ...sender,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_DISABLE_AFTER_DAYS: 5,
      WEBHOOK_MAX_ATTEMPTS: 24,
      WEBHOOK_RETRY_BASE_SECONDS: 30,
      WEBHOOK_RETRY_MAX_DELAY_SECONDS: 7200,
      WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: false,
    });
  });

  it('refuses to start without the key that opens webhook secrets', () => {
    const { WEBHOOK_SECRETS_KEY_ID: _key, ...withoutKey } = sender;

    expect(() => loadWebhookSenderConfig(withoutKey)).toThrow(
      'invalid configuration: WEBHOOK_SECRETS_KEY_ID: Invalid input: expected string, received undefined',
    );
  });

  it('refuses retries that could outlive the webhook queue', () => {
    expect(() => loadWebhookSenderConfig({ ...sender, WEBHOOK_MAX_ATTEMPTS: '60' })).toThrow(
      "invalid configuration: WEBHOOK_MAX_ATTEMPTS: the retries could last 498240 s, past the queue's retention of 345600 s",
    );
  });

  it('refuses a retry delay longer than SQS can hide a message', () => {
    expect(() => loadWebhookSenderConfig({ ...sender, WEBHOOK_RETRY_MAX_DELAY_SECONDS: '86400' })).toThrow(
      /WEBHOOK_RETRY_MAX_DELAY_SECONDS: at most 43200/,
    );
  });

  it('refuses a flag that is not true or false', () => {
    expect(() => loadWebhookSenderConfig({ ...sender, WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS/,
    );
  });
});
