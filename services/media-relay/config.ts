import * as z from 'zod/mini';
import { storageEnv } from '../../shared/adapters/s3/s3-config.ts';
import { type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';
import { MEDIA_NODE_NAME } from '../../shared/recordings/media-node.ts';
import { checkPathTemplate } from '../../shared/recordings/recording-files.ts';

const schema = z.object({
  // This host's FreeSWITCH only (a relay serves the one media server it runs beside), at the address its
  // Event Socket listens on: the host's private address (event_socket.conf.xml listen-ip), where the
  // functions reach it too. No default: 127.0.0.1 is not where a fleet node listens.
  ESL_HOST: z
    .string({
      error:
        "required: the private address this host's Event Socket listens on (event_socket.conf.xml listen-ip)",
    })
    .check(z.minLength(1)),
  ESL_PORT: positiveInt(8021),
  ESL_PASSWORD: text(),
  ESL_TIMEOUT_MS: positiveInt(3000),
  MEDIA_EVENTS_QUEUE_URL: z.url(),
  RECORDING_PATH_TEMPLATE: z._default(
    text(),
    '/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav',
  ),
  RELAY_STATE_FILE: z._default(text(), '/var/lib/minivoice-media-relay/state.json'),
  // This media server's name in the functions' ESL_NODES: events name it, and orphans are stopped there.
  MEDIA_NODE: z
    .string({ error: "required: this media server's name in the functions' ESL_NODES" })
    .check(z.regex(MEDIA_NODE_NAME, 'must be 1-32 lower-case letters, digits or dashes, as in ESL_NODES')),
  RECONCILE_EVERY_MS: positiveInt(30_000),
  SCAN_MIN_AGE_MS: positiveInt(10_000),
  RETENTION_DAYS: positiveInt(7),
  // Where finished recordings are stored (RECORDINGS_BUCKET: the stack's RecordingsBucketName output).
  ...storageEnv,
  // A file still not stored this long after it closed is reported storage_failed and deleted.
  UPLOAD_GIVE_UP_MS: positiveInt(24 * 3_600_000),
  // A file that failed to store and closed this long ago makes the relay send its uploads_retrying
  // summary (at most once a minute): the UploadsRetrying alarm, long before UPLOAD_GIVE_UP_MS.
  UPLOAD_ALARM_AFTER_MS: positiveInt(120_000),
  UPLOAD_CONCURRENCY: positiveInt(4),
});

/** Settings of the media relay, from its environment (a systemd EnvironmentFile or the container's). */
export type MediaRelayConfig = z.infer<typeof schema>;

/** Parses the relay's environment; the error names every missing or invalid variable. */
export function loadMediaRelayConfig(env: Env): MediaRelayConfig {
  const config = parseEnv(schema, env);
  const problem = checkPathTemplate(config.RECORDING_PATH_TEMPLATE);
  if (problem) throw new Error(`invalid configuration: RECORDING_PATH_TEMPLATE: ${problem}`);
  return config;
}

/** The directory every recording lives under: the template's fixed part, up to its last `/`. */
export function recordingsRoot(pathTemplate: string): string {
  const fixed = pathTemplate.slice(0, pathTemplate.indexOf('{'));
  return fixed.slice(0, fixed.lastIndexOf('/') + 1) || '/';
}
