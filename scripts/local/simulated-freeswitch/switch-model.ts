import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { type CapturedEvent, captured, type EventChanges, eventHeaders } from './captured-events.ts';
import { SAMPLE_RATE, WAV_HEADER_BYTES, writeHeaderOnly, writeRecording } from './wav.ts';

/** One file being recorded on a channel (a `session_record` media bug). */
interface ActiveFile {
  path: string;
  startedAt: number;
  pausedMs: number;
  pausedSince: number | undefined;
  limitTimer: NodeJS.Timeout | undefined;
  vars: [string, string][];
}

/** A live channel: its variables and the files recording on it. */
interface Channel {
  uuid: string;
  createdAt: number;
  vars: Map<string, string>;
  files: Map<string, ActiveFile>;
}

/** An event the switch fires: its name and body headers (values encoded as FreeSWITCH sends them). */
export interface SwitchEvent {
  name: string;
  headers: [string, string][];
}

/** Options of the simulated switch. */
export interface SwitchOptions {
  hostname: string;
  /** Where relative recording paths go (FreeSWITCH's sounds directory). */
  soundsDir: string;
  /** Milliseconds since the epoch (tests may move time). */
  now: () => number;
  /** Gets every event the switch fires, in order. */
  onEvent: (event: SwitchEvent) => void;
}

const HANGUP_DELAY_MS = 20; // uuid_kill answers at once; the events follow ~20 ms later (captured)
const RECORD_VARS = [
  'record_file_size',
  'record_samples',
  'record_seconds',
  'record_ms',
  'record_completion_cause',
];
const CAPTURED_CORE_UUID = '639ee15f-5dae-4aaa-af78-21e81050d36b';
const KNOWN_EXTENSIONS = new Set(['.wav', '']);

/** The replies FreeSWITCH gives to `uuid_record`, `uuid_getvar` and friends (from the captures). */
export const REPLIES = {
  ok: '+OK Success\n',
  noSession: '-ERR Cannot locate session!\n',
  cannotStop: '-ERR Cannot stop record session!\n',
  cannotRecord: '-ERR Cannot record session!\n',
  recordUsage: '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n',
  noChannel: '-ERR No such channel!\n',
  getvarUsage: '-USAGE: <uuid> <var>\n',
  noReply: '-ERR no reply\n',
} as const;

/**
 * The media side of the simulated FreeSWITCH: channels, `session_record` bugs writing real 8 kHz WAV
 * files, and the RECORD_START / RECORD_STOP / CHANNEL_HANGUP_COMPLETE events FreeSWITCH fires, made from
 * captured events. Everything here follows ../shared/notes/freeswitch-protocol.md.
 */
export class SimulatedSwitch {
  coreUuid = randomUUID();
  private readonly channels = new Map<string, Channel>();
  private sequence = 2100;

  constructor(private readonly options: SwitchOptions) {}

  /** Creates a channel (as `originate … &park` does) and returns its uuid. */
  originate(uuid: string = randomUUID()): string {
    this.channels.set(uuid, { uuid, createdAt: this.options.now(), vars: new Map(), files: new Map() });
    return uuid;
  }

  hasChannel(uuid: string): boolean {
    return this.channels.has(uuid);
  }

  /** Live channels, oldest first. */
  channelList(): { uuid: string; createdAt: number }[] {
    return [...this.channels.values()].map(({ uuid, createdAt }) => ({ uuid, createdAt }));
  }

  /** Paths recording on a channel (undefined for an unknown channel). */
  recordingPaths(uuid: string): string[] | undefined {
    const channel = this.channels.get(uuid);
    return channel ? [...channel.files.keys()] : undefined;
  }

  getVar(uuid: string, name: string): string | undefined {
    return this.channels.get(uuid)?.vars.get(name);
  }

  setVar(uuid: string, name: string, value: string): void {
    this.channels.get(uuid)?.vars.set(name, value);
  }

  /** `uuid_record <uuid> <action> <path> [<limit>] [<vars>]`. */
  async record(
    uuid: string,
    action: string,
    rawPath: string,
    limit?: string,
    varsArg?: string,
  ): Promise<string> {
    const channel = this.channels.get(uuid);
    if (!channel) return REPLIES.noSession;
    // A relative path records under the sounds directory; stop looks the path up as given (captured).
    const path = action === 'start' && !isAbsolute(rawPath) ? join(this.options.soundsDir, rawPath) : rawPath;
    switch (action) {
      case 'start':
        return this.start(channel, path, Number.parseInt(limit ?? '0', 10) || 0, parseRecordingVars(varsArg));
      case 'stop': {
        const paths = path === 'all' ? [...channel.files.keys()] : channel.files.has(path) ? [path] : [];
        if (paths.length === 0) return REPLIES.cannotStop;
        for (const p of paths) await this.close(channel, p, 'api');
        return REPLIES.ok;
      }
      case 'mask':
      case 'unmask':
      case 'pause':
      case 'resume': {
        const file = channel.files.get(path);
        if (!file) return `-ERR Cannot ${action} recording session!\n`;
        if (action === 'pause' && file.pausedSince === undefined) file.pausedSince = this.options.now();
        if (action === 'resume' && file.pausedSince !== undefined) {
          file.pausedMs += this.options.now() - file.pausedSince;
          file.pausedSince = undefined;
        }
        return REPLIES.ok;
      }
      default:
        return REPLIES.recordUsage;
    }
  }

  /** `uuid_kill`: answers at once; every file closes (RECORD_STOP) and the channel hangs up shortly after. */
  kill(uuid: string): string {
    const channel = this.channels.get(uuid);
    if (!channel) return REPLIES.noChannel;
    this.channels.delete(uuid);
    setTimeout(() => void this.hangup(channel), HANGUP_DELAY_MS);
    return '+OK\n';
  }

  /**
   * The process dies and comes back: a new Core-UUID, no channels, no events for what was lost. Files
   * keep the audio written so far, with a header never finalized (lengths 0), as after a crash.
   */
  async restart(): Promise<void> {
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.coreUuid = randomUUID();
    for (const channel of channels) {
      for (const file of channel.files.values()) {
        clearTimeout(file.limitTimer);
        await writeRecording(file.path, this.samplesOf(file), false);
      }
    }
  }

  /** Stops every timer (the server is closing). */
  shutdown(): void {
    for (const channel of this.channels.values()) {
      for (const file of channel.files.values()) clearTimeout(file.limitTimer);
    }
  }

  private async start(channel: Channel, path: string, limitSeconds: number, vars: [string, string][]) {
    if (channel.files.has(path)) return REPLIES.ok; // already recording: +OK again, no second RECORD_START
    if (!KNOWN_EXTENSIONS.has(extname(path)) || path.startsWith('/proc/')) {
      channel.vars.set('record_completion_cause', 'uri-failure');
      return REPLIES.cannotRecord;
    }
    try {
      await writeHeaderOnly(path);
    } catch {
      channel.vars.set('record_completion_cause', 'uri-failure');
      return REPLIES.cannotRecord;
    }
    const file: ActiveFile = {
      path,
      startedAt: this.options.now(),
      pausedMs: 0,
      pausedSince: undefined,
      limitTimer: undefined,
      vars,
    };
    if (limitSeconds > 0) {
      // Whole wall-clock seconds, as FreeSWITCH counts them: a limit of N stops within (N-1, N] seconds.
      const deadline = (Math.floor(this.options.now() / 1000) + limitSeconds) * 1000;
      file.limitTimer = setTimeout(
        () => void this.close(channel, path, 'limit'),
        deadline - this.options.now(),
      );
    }
    channel.files.set(path, file);
    this.fire(vars.length > 0 ? 'RECORD_START_with_vars' : 'RECORD_START', channel, {
      set: { 'Record-File-Path': path, ...this.recordVarHeaders(channel) },
      drop: (name) =>
        name.startsWith('Recording-Variable-') ||
        (name.startsWith('variable_record_') && !this.hasRecordVars(channel)),
      insertAfter: vars.map(([name, value]) => ['Record-File-Path', `Recording-Variable-${name}`, value]),
    });
    return REPLIES.ok;
  }

  /** Closes a file: finishes the WAV (or discards it), sets the `record_*` variables, fires RECORD_STOP. */
  private async close(channel: Channel, path: string, why: 'api' | 'limit' | 'hangup') {
    const file = channel.files.get(path);
    if (!file) return;
    channel.files.delete(path);
    clearTimeout(file.limitTimer);
    const samples = this.samplesOf(file);
    const minSec = Number(
      file.vars.find(([name]) => name === 'RECORD_MIN_SEC')?.[1] ?? channel.vars.get('RECORD_MIN_SEC') ?? 0,
    );
    let cause = why === 'hangup' ? 'success-silence' : 'success-maxtime';
    const size = await writeRecording(path, samples);
    if (samples === 0 || samples < SAMPLE_RATE * minSec) {
      // Nothing or too little written: FreeSWITCH deletes the file (record_file_size keeps its last size).
      cause = samples === 0 ? 'empty-file' : 'input-too-short';
      channel.vars.set('RECORD_DISCARDED', 'true');
      await rm(path, { force: true });
    }
    const ms = Math.floor(samples / (SAMPLE_RATE / 1000));
    channel.vars.set('record_file_size', String(Math.max(size, WAV_HEADER_BYTES)));
    channel.vars.set('record_samples', String(samples));
    channel.vars.set('record_seconds', String(Math.floor(samples / SAMPLE_RATE)));
    channel.vars.set('record_ms', String(ms));
    channel.vars.set('record_completion_cause', cause);
    const template: CapturedEvent =
      why === 'hangup'
        ? 'RECORD_STOP_on_uuid_kill'
        : why === 'limit'
          ? 'RECORD_STOP_limit_reached'
          : 'RECORD_STOP_after_api_stop';
    this.fire(template, channel, {
      set: { 'Record-File-Path': path, 'Record-Completion-Cause': cause, ...this.recordVarHeaders(channel) },
      drop: (name) => name.startsWith('Recording-Variable-'),
      insertAfter: [
        ...file.vars.map(([name, value]): [string, string, string] => [
          'Record-File-Path',
          `Recording-Variable-${name}`,
          value,
        ]),
        ...(channel.vars.get('RECORD_DISCARDED')
          ? [
              ['variable_record_completion_cause', 'variable_RECORD_DISCARDED', 'true'] as [
                string,
                string,
                string,
              ],
            ]
          : []),
      ],
    });
  }

  private async hangup(channel: Channel) {
    for (const path of [...channel.files.keys()]) await this.close(channel, path, 'hangup');
    this.fire('CHANNEL_HANGUP_COMPLETE_on_uuid_kill', channel, {
      set: this.recordVarHeaders(channel),
      drop: (name) => name.startsWith('variable_record_') && !this.hasRecordVars(channel),
    });
  }

  private samplesOf(file: ActiveFile): number {
    const now = this.options.now();
    const paused = file.pausedMs + (file.pausedSince === undefined ? 0 : now - file.pausedSince);
    return Math.max(0, Math.floor(((now - file.startedAt - paused) * SAMPLE_RATE) / 1000));
  }

  private hasRecordVars(channel: Channel) {
    return channel.vars.has('record_ms');
  }

  private recordVarHeaders(channel: Channel): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const name of RECORD_VARS) {
      const value = channel.vars.get(name);
      if (value !== undefined) headers[`variable_${name}`] = value;
    }
    return headers;
  }

  /** Fires one event made from a capture, with this switch's identity, time, sequence and channel. */
  private fire(event: CapturedEvent, channel: Channel, changes: EventChanges) {
    const capturedUuid = captured(event).body.find(([name]) => name === 'Unique-ID')?.[1] ?? '';
    const now = this.options.now();
    const date = new Date(now);
    this.sequence += 1 + Math.floor(Math.random() * 3); // FreeSWITCH's global sequence has gaps
    const headers = eventHeaders(event, {
      ...changes,
      replace: [
        [capturedUuid, channel.uuid],
        [CAPTURED_CORE_UUID, this.coreUuid],
      ],
      set: {
        'FreeSWITCH-Hostname': this.options.hostname,
        'FreeSWITCH-Switchname': this.options.hostname,
        'Event-Date-Local': date.toISOString().slice(0, 19).replace('T', ' '),
        'Event-Date-GMT': date.toUTCString(),
        'Event-Date-Timestamp': `${now}000`,
        'Event-Sequence': String(this.sequence),
        ...changes.set,
      },
    });
    this.options.onEvent({ name: headers[0]?.[1] ?? '', headers });
  }
}

/** `{a=b,c=d}` (URL-decoded first, as FreeSWITCH does); anything without braces is ignored. */
function parseRecordingVars(arg: string | undefined): [string, string][] {
  if (!arg) return [];
  let decoded = arg;
  try {
    decoded = decodeURIComponent(arg);
  } catch {
    // kept as given
  }
  const match = /^\{(.*)\}$/.exec(decoded.trim());
  if (!match?.[1]) return [];
  return match[1].split(',').flatMap((pair) => {
    const eq = pair.indexOf('=');
    return eq > 0 ? [[pair.slice(0, eq), pair.slice(eq + 1)] as [string, string]] : [];
  });
}
