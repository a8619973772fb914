import type {
  MediaServerConnector,
  MediaServerSession,
  ObservedEvent,
} from '../../media-events/relay-ports.ts';
import { ProviderError } from '../../recordings/errors.ts';
import { EslConnection, type EslEndpoint, type EslEvent } from './esl-connection.ts';
import { recordTargets } from './freeswitch-provider.ts';

/** What the relay subscribes to: the recording events and the hangups. */
const RELAY_SUBSCRIPTION = 'event plain RECORD_START RECORD_STOP CHANNEL_HANGUP_COMPLETE';

// Completion causes of a file FreeSWITCH deleted because it kept (almost) nothing.
const DISCARDED = new Set(['input-too-short', 'empty-file']);
const ENDED_STATES = new Set(['CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY']);

/**
 * Opens relay sessions on a FreeSWITCH: an Event Socket connection subscribed to RECORD_START,
 * RECORD_STOP and CHANNEL_HANGUP_COMPLETE, able to list what records now (`show channels as json`,
 * then `uuid_buglist` per channel).
 */
export function createFreeSwitchConnector(
  endpoint: EslEndpoint,
  options: { node: string; timeoutMs: number },
): MediaServerConnector {
  return async () => {
    const esl = await EslConnection.open(endpoint, options.timeoutMs);
    try {
      const reply = await esl.command(RELAY_SUBSCRIPTION, options.timeoutMs);
      if (!reply.startsWith('+OK')) throw new ProviderError(`subscription refused: ${reply}`, 'rejected');
      const coreUuid = (await esl.api('global_getvar core_uuid', options.timeoutMs)).trim();
      return session(esl, coreUuid, options);
    } catch (error) {
      esl.destroy();
      throw error;
    }
  };
}

function session(esl: EslConnection, coreUuid: string, options: { node: string; timeoutMs: number }) {
  const api = (command: string) => esl.api(command, options.timeoutMs);
  const result: MediaServerSession = {
    coreUuid,
    async snapshot() {
      const listing = JSON.parse(await api('show channels as json')) as { rows?: { uuid?: string }[] };
      const channels = new Set((listing.rows ?? []).flatMap((row) => (row.uuid ? [row.uuid] : [])));
      const recordings = new Map<string, string>();
      for (const channel of channels) {
        const bugs = await api(`uuid_buglist ${channel}`);
        for (const path of recordTargets(bugs)) recordings.set(path, channel);
      }
      return { channels, recordings };
    },
    async ping() {
      const now = (await api('global_getvar core_uuid')).trim();
      if (now !== coreUuid) throw new ProviderError('media server restarted', 'no_reply');
    },
    onEvent(listener) {
      esl.onEvent((event) => {
        const normalized = toMediaEvent(event, options.node, coreUuid);
        if (normalized) listener(normalized);
      });
    },
    onClose: (listener) => esl.onClose(listener),
    close: () => esl.close(),
  };
  return result;
}

/** A FreeSWITCH event as a media event (undefined for anything else). */
function toMediaEvent(event: EslEvent, node: string, coreUuid: string): ObservedEvent | undefined {
  const base = {
    media_node: node,
    core_uuid: event['Core-UUID'] ?? coreUuid,
    at: eventTime(event['Event-Date-Timestamp']),
    source: 'event' as const,
  };
  const channel = event['Unique-ID'] ?? '';
  const path = event['Record-File-Path'] ?? '';
  switch (event['Event-Name']) {
    case 'RECORD_START':
      return { ...base, kind: 'recording_started', channel_uuid: channel, path };
    case 'RECORD_STOP': {
      const cause = event['Record-Completion-Cause'] ?? '';
      return {
        ...base,
        kind: 'recording_stopped',
        channel_uuid: channel,
        path,
        file: DISCARDED.has(cause)
          ? { kind: 'discarded' }
          : {
              kind: 'closed',
              duration_ms: count(event.variable_record_ms),
              size_bytes: count(event.variable_record_file_size),
            },
        channel_ended:
          ENDED_STATES.has(event['Channel-State'] ?? '') ||
          event['Answer-State'] === 'hangup' ||
          event['Hangup-Cause'] !== undefined,
      };
    }
    case 'CHANNEL_HANGUP_COMPLETE':
      return { ...base, kind: 'channel_hangup', channel_uuid: channel, hangup_cause: event['Hangup-Cause'] };
    default:
      return undefined;
  }
}

/** FreeSWITCH's `Event-Date-Timestamp` (microseconds since the epoch) as RFC 3339. */
function eventTime(micros: string | undefined): string {
  const ms = Math.floor(Number(micros ?? '0') / 1000);
  return new Date(Number.isFinite(ms) && ms > 0 ? ms : Date.now()).toISOString();
}

function count(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
