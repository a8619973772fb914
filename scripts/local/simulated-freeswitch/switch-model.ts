import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { capturedHeaders, type Header, transcriptEvents } from './captured-events.ts';
import { SAMPLE_RATE, writeHeaderOnly, writeRecording } from './wav.ts';

/** An event the switch fires: its name, body headers (values decoded) and, for a job, its body. */
export interface SwitchEvent {
  name: string;
  headers: Header[];
  body?: string;
}

/** Options of the simulated switch. */
export interface SwitchOptions {
  hostname: string;
  /** Where relative recording paths go (FreeSWITCH's sound_prefix). */
  soundsDir: string;
  /** Milliseconds since the epoch (tests may move time). */
  now: () => number;
  /** Gets every event the switch fires, in order. */
  onEvent: (event: SwitchEvent) => void;
}

/** What `originate` is asked for: `{origination_uuid=…}loopback/<ext> &<app>(<data>)`. */
export interface OriginateRequest {
  uuid?: string;
  ext?: string;
  app?: string;
  appData?: string;
}

/** The replies FreeSWITCH gives to `uuid_record`, `uuid_getvar` and friends (from the captures). */
export const REPLIES = {
  ok: '+OK Success\n',
  noSession: '-ERR Cannot locate session!\n',
  cannotStop: '-ERR Cannot stop record session!\n',
  cannotRecord: '-ERR Cannot record session!\n',
  recordUsage: '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n',
  noChannel: '-ERR No such channel!\n',
  getvarUsage: '-USAGE: <uuid> <var>\n',
  /** mod_event_socket's answer when a command wrote nothing (read in its source, not captured). */
  noReply: '-ERR no reply\n',
} as const;

const HANGUP_DELAY_MS = 20; // uuid_kill answers at once; the events follow ~20 ms later (captured)
// A `&playback(tone_stream://%(1000,0,440);loops=-1)` A leg (FreeSWITCH cut its argument at the first
// `)`) played 2250 ms, then hung up 10 ms later, in both captures (07, 08).
const PLAYBACK_MS = 2250;
const PLAYBACK_HANGUP_MS = 2260;
// 20 ms at 8 kHz: FreeSWITCH writes whole frames (every captured record_samples is a multiple of 160),
// and a start followed at once by a stop still kept one frame (a 364-byte file, never RECORD_DISCARDED).
const FRAME_SAMPLES = 160;
const CAPTURED_EXT = '4440';

/** How far a leg is in its life, as its events' Channel-State and Answer-State tell it. */
type LegState = 'up' | 'hanging-up' | 'hung-up';

/** One file being recorded on a leg (a `session_record` media bug). */
interface ActiveFile {
  path: string;
  /** No extension: FreeSWITCH records the raw frames to `<path>-in.L16` and `<path>-out.L16`. */
  native: boolean;
  startedAt: number;
  pausedMs: number;
  pausedSince: number | undefined;
  /** Recorded-time ranges (ms) written as silence; an open range is still masked. */
  masked: [number, number | undefined][];
  limitTimer: NodeJS.Timeout | undefined;
  vars: Header[];
}

/** One leg of a loopback call: its channel variables (in FreeSWITCH's order) and its files. */
interface Leg {
  uuid: string;
  template: LegTemplate;
  ext: string;
  app: string;
  appData: string | undefined;
  createdAt: number;
  state: LegState;
  hungUpAt: number | undefined;
  hangupCause: string;
  /** Setting a variable moves it last, as FreeSWITCH's channel variables do (delete, then append). */
  vars: Map<string, string>;
  files: Map<string, ActiveFile>;
  other: Leg | undefined;
  timers: NodeJS.Timeout[];
}

/** What a leg's events are made of, from a captured CHANNEL_HANGUP_COMPLETE of such a leg. */
interface LegTemplate {
  /** The captured leg's uuid and its other leg's, replaced by the simulated ones. */
  uuid: string;
  other: string;
  /** The channel headers, `Channel-State` up to the variables. */
  profile: Header[];
  /** Its variables while up. */
  vars: Header[];
  /** The variables FreeSWITCH adds when it hangs up (`hangup_cause` onwards). */
  hangupVars: Header[];
}

type EventName = 'RECORD_START' | 'RECORD_STOP' | 'CHANNEL_HANGUP_COMPLETE' | 'BACKGROUND_JOB';

interface Templates {
  heads: Record<EventName, Header[]>;
  a: LegTemplate;
  b: LegTemplate;
}

let templates: Templates | undefined;

/**
 * Read once. Each event is its captured head (`Event-Name` … `Event-Sequence`, plus the hangup's first
 * `Hangup-Cause`), the leg's channel headers, its variables, and what the event adds. The A leg comes
 * from `raw_CHANNEL_HANGUP_COMPLETE_after_recording.txt`; the B leg (which runs the extension: a tone
 * playback) from transcript 03, the only capture of one.
 */
function loadTemplates(): Templates {
  const head = (headers: Header[], stop: string) =>
    headers.slice(
      0,
      headers.findIndex(([name]) => name === stop),
    );
  const aHangup = capturedHeaders('raw_CHANNEL_HANGUP_COMPLETE_after_recording.txt');
  const bHangup = transcriptEvents('03_hangup_while_recording.txt').find((event) =>
    event.some(([name, value]) => name === 'Channel-Name' && value.endsWith('-b')),
  );
  if (!bHangup) throw new Error('transcript 03 holds no B-leg hangup');
  return {
    heads: {
      RECORD_START: head(capturedHeaders('raw_RECORD_START_plain.txt'), 'Channel-State'),
      RECORD_STOP: head(capturedHeaders('raw_RECORD_STOP_plain_after_api_stop.txt'), 'Channel-State'),
      CHANNEL_HANGUP_COMPLETE: head(aHangup, 'Channel-State'),
      BACKGROUND_JOB: head(capturedHeaders('raw_BACKGROUND_JOB_plain.txt'), 'Job-UUID'),
    },
    a: legTemplate(aHangup, 'current_application'),
    b: legTemplate(bHangup, 'hangup_cause'),
  };
}

/** Splits a captured hangup into channel headers and variables (those before `upTo` are the leg's own). */
function legTemplate(hangup: Header[], upTo: string): LegTemplate {
  const value = (name: string) => hangup.find(([n]) => n === name)?.[1] ?? '';
  const firstVar = hangup.findIndex(([name]) => name.startsWith('variable_'));
  const vars = hangup.slice(firstVar).map(([name, v]): Header => [name.slice('variable_'.length), v]);
  const at = (name: string) => vars.findIndex(([n]) => n === name);
  return {
    uuid: value('Unique-ID'),
    other: value('variable_other_loopback_leg_uuid'),
    profile: hangup.slice(
      hangup.findIndex(([name]) => name === 'Channel-State'),
      firstVar,
    ),
    vars: vars.slice(0, at(upTo)),
    hangupVars: vars.slice(at('hangup_cause')),
  };
}

/**
 * The media side of the simulated FreeSWITCH: loopback calls (an A leg running `park`, `echo` or
 * `playback`, and a B leg), `session_record` bugs writing real 8 kHz WAV files, and the RECORD_START /
 * RECORD_STOP / CHANNEL_HANGUP_COMPLETE / BACKGROUND_JOB events FreeSWITCH fires, made from captured
 * events. Everything here follows ../shared/notes/freeswitch-protocol.md and its transcripts.
 */
export class SimulatedSwitch {
  coreUuid = randomUUID();
  /** Sessions created since the start (FreeSWITCH numbers them: `variable_session_id`). */
  sessions = 0;
  /** The most legs up at once. */
  peak = 0;
  readonly startedAt: number;
  private readonly legs = new Map<string, Leg>();
  private sequence = 2100;

  constructor(private readonly options: SwitchOptions) {
    templates ??= loadTemplates();
    this.startedAt = options.now();
  }

  /**
   * Creates a loopback call (as `originate {origination_uuid=…}loopback/<ext> &<app>` does): the A leg,
   * with the given uuid, runs the application; the B leg runs the extension. Returns the A leg's uuid.
   */
  originate(request: OriginateRequest = {}): string {
    const { uuid = randomUUID(), ext = CAPTURED_EXT, app = 'park', appData } = request;
    const now = this.options.now();
    const t = templates as Templates;
    const a = this.newLeg(uuid, t.a, ext, app, appData, now);
    const b = this.newLeg(randomUUID(), t.b, ext, 'playback', undefined, now);
    a.other = b;
    b.other = a;
    for (const leg of [a, b]) {
      this.sessions += 1;
      const session = String(this.sessions);
      for (const [name, value] of leg.template.vars) {
        setVar(leg.vars, name, name === 'session_id' ? session : this.substitute(leg, value));
      }
    }
    b.appData = b.vars.get('current_application_data');
    if (appData !== undefined) setVar(a.vars, 'current_application_data', appData);
    setVar(a.vars, 'current_application', app);
    this.legs.set(a.uuid, a);
    this.legs.set(b.uuid, b);
    this.peak = Math.max(this.peak, this.legs.size);
    if (app === 'playback') {
      a.timers.push(
        setTimeout(() => {
          setVar(a.vars, 'playback_last_offset_pos', String((PLAYBACK_MS * SAMPLE_RATE) / 1000));
          setVar(a.vars, 'playback_seconds', String(Math.floor(PLAYBACK_MS / 1000)));
          setVar(a.vars, 'playback_ms', String(PLAYBACK_MS));
          setVar(a.vars, 'playback_samples', String((PLAYBACK_MS * SAMPLE_RATE) / 1000));
          setVar(a.vars, 'current_application_response', 'FILE PLAYED');
        }, PLAYBACK_MS),
        setTimeout(() => this.hangupCall(a, 0), PLAYBACK_HANGUP_MS),
      );
    }
    return uuid;
  }

  hasChannel(uuid: string): boolean {
    return this.legs.has(uuid);
  }

  /** Live legs, oldest first, with the channel facts `show channels` lists. */
  channelList(): { uuid: string; createdAt: number; app: string; appData: string; headers: Header[] }[] {
    return [...this.legs.values()].map((leg) => ({
      uuid: leg.uuid,
      createdAt: leg.createdAt,
      app: leg.app,
      appData: leg.appData ?? '',
      headers: this.profile(leg),
    }));
  }

  /** Paths recording on a leg (undefined for an unknown channel). */
  recordingPaths(uuid: string): string[] | undefined {
    const leg = this.legs.get(uuid);
    return leg ? [...leg.files.keys()] : undefined;
  }

  getVar(uuid: string, name: string): string | undefined {
    return this.legs.get(uuid)?.vars.get(name);
  }

  setVar(uuid: string, name: string, value: string): void {
    const leg = this.legs.get(uuid);
    if (leg) setVar(leg.vars, name, value);
  }

  /** `uuid_record <uuid> <action> <path> [<limit>] [<vars>]`. */
  async record(
    uuid: string,
    action: string,
    rawPath: string,
    limit?: string,
    varsArg?: string,
  ): Promise<string> {
    const leg = this.legs.get(uuid);
    if (!leg) return REPLIES.noSession;
    // A relative path records under the sound prefix; stop looks the path up as given (captured).
    const path = action === 'start' && !isAbsolute(rawPath) ? join(this.options.soundsDir, rawPath) : rawPath;
    switch (action) {
      case 'start':
        return this.start(leg, path, Number.parseInt(limit ?? '0', 10) || 0, parseRecordingVars(varsArg));
      case 'stop': {
        const paths = path === 'all' ? [...leg.files.keys()] : leg.files.has(path) ? [path] : [];
        if (paths.length === 0) return REPLIES.cannotStop;
        // Each RECORD_STOP carries its own file's record_* values, and all of them leave after the reply
        // (captured: `stop all` answered, then one RECORD_STOP per file).
        const stops: SwitchEvent[] = [];
        for (const p of paths) stops.push(...(await this.close(leg, p, 'api')));
        this.emit(stops);
        return REPLIES.ok;
      }
      case 'mask':
      case 'unmask':
      case 'pause':
      case 'resume': {
        const file = leg.files.get(path);
        if (!file) return `-ERR Cannot ${action} recording session!\n`;
        const now = this.options.now();
        const open = file.masked.find((range) => range[1] === undefined);
        if (action === 'mask' && !open) file.masked.push([this.recordedMs(file, now), undefined]);
        if (action === 'unmask' && open) open[1] = this.recordedMs(file, now);
        if (action === 'pause' && file.pausedSince === undefined) file.pausedSince = now;
        if (action === 'resume' && file.pausedSince !== undefined) {
          file.pausedMs += now - file.pausedSince;
          file.pausedSince = undefined;
        }
        return REPLIES.ok;
      }
      default:
        return REPLIES.recordUsage;
    }
  }

  /**
   * `uuid_kill`: answers at once; ~20 ms later every file of the leg closes (RECORD_STOP), then the leg
   * and the other leg of its loopback pair send CHANNEL_HANGUP_COMPLETE, the killed leg first (captured).
   */
  kill(uuid: string): string {
    const leg = this.legs.get(uuid);
    if (!leg) return REPLIES.noChannel;
    this.hangupCall(leg, HANGUP_DELAY_MS);
    return '+OK\n';
  }

  /**
   * The process dies and comes back: a new Core-UUID, no channels, no events for what was lost. Files
   * keep the audio written so far, with a header never finalized (lengths 0), as after a crash.
   */
  async restart(): Promise<void> {
    const legs = [...this.legs.values()];
    this.legs.clear();
    this.coreUuid = randomUUID();
    for (const leg of legs) {
      for (const timer of leg.timers) clearTimeout(timer);
      for (const file of leg.files.values()) {
        clearTimeout(file.limitTimer);
        await writeRecording(file.path, this.samplesOf(file), { finalHeader: false });
      }
    }
  }

  /** Stops every timer (the server is closing). */
  shutdown(): void {
    for (const leg of this.legs.values()) {
      for (const timer of leg.timers) clearTimeout(timer);
      for (const file of leg.files.values()) clearTimeout(file.limitTimer);
    }
  }

  /** The BACKGROUND_JOB event of a `bgapi` command. */
  fireJob(jobUuid: string, command: string, arg: string | undefined, result: string): void {
    this.options.onEvent({
      name: 'BACKGROUND_JOB',
      headers: [
        ...this.head('BACKGROUND_JOB'),
        ['Job-UUID', jobUuid],
        ['Job-Command', command],
        ...(arg === undefined ? [] : [['Job-Command-Arg', arg] as Header]),
      ],
      body: result,
    });
  }

  private newLeg(
    uuid: string,
    template: LegTemplate,
    ext: string,
    app: string,
    appData: string | undefined,
    now: number,
  ): Leg {
    return {
      uuid,
      template,
      ext,
      app,
      appData,
      createdAt: now,
      state: 'up',
      hungUpAt: undefined,
      hangupCause: 'NORMAL_CLEARING',
      vars: new Map(),
      files: new Map(),
      other: undefined,
      timers: [],
    };
  }

  private async start(leg: Leg, path: string, limitSeconds: number, vars: Header[]) {
    if (leg.files.has(path)) return REPLIES.ok; // already recording: +OK again, no second RECORD_START
    // FreeSWITCH takes what follows the last `.` as the format; with none it records natively.
    const dot = path.lastIndexOf('.');
    const native = dot < 0;
    if ((!native && path.slice(dot + 1) !== 'wav') || path.startsWith('/proc/')) {
      setVar(leg.vars, 'record_completion_cause', 'uri-failure');
      return REPLIES.cannotRecord;
    }
    try {
      if (native) {
        for (const side of nativeFiles(path)) await writeRecording(side, 0, { header: false });
      } else {
        await writeHeaderOnly(path);
      }
    } catch {
      setVar(leg.vars, 'record_completion_cause', 'uri-failure');
      return REPLIES.cannotRecord;
    }
    const file: ActiveFile = {
      path,
      native,
      startedAt: this.options.now(),
      pausedMs: 0,
      pausedSince: undefined,
      masked: [],
      limitTimer: undefined,
      vars,
    };
    if (limitSeconds > 0) {
      // Whole wall-clock seconds, as FreeSWITCH counts them: a limit of N stops within (N-1, N] seconds.
      const deadline = (Math.floor(this.options.now() / 1000) + limitSeconds) * 1000;
      file.limitTimer = setTimeout(
        () => void this.close(leg, path, 'limit').then((stops) => this.emit(stops)),
        deadline - this.options.now(),
      );
    }
    leg.files.set(path, file);
    this.emit([this.event('RECORD_START', leg, [['Record-File-Path', path], ...recordingVariables(vars)])]);
    return REPLIES.ok;
  }

  /** Closes a file: finishes it, sets the `record_*` variables as FreeSWITCH does; returns its RECORD_STOP. */
  private async close(leg: Leg, path: string, why: 'api' | 'limit' | 'hangup'): Promise<SwitchEvent[]> {
    const file = leg.files.get(path);
    if (!file) return [];
    leg.files.delete(path);
    clearTimeout(file.limitTimer);
    const samples = this.samplesOf(file);
    const tail: Header[] = [['Record-File-Path', path], ...recordingVariables(file.vars)];
    if (file.native) {
      // A native recording has no file handle: FreeSWITCH sets no record_* variable and no completion
      // cause (captured: raw_RECORD_STOP_plain_native_noext.txt; the file names are from its source).
      for (const side of nativeFiles(path)) await writeRecording(side, samples, { header: false });
      return [this.event('RECORD_STOP', leg, tail)];
    }
    const masked = file.masked.map(([from, to]): [number, number] => [
      (from * SAMPLE_RATE) / 1000,
      ((to ?? Number.POSITIVE_INFINITY) * SAMPLE_RATE) / 1000,
    ]);
    setVar(leg.vars, 'record_file_size', String(await writeRecording(path, samples, { masked })));
    // The notes are silent on RECORD_MIN_SEC; this follows FreeSWITCH's source (switch_ivr_async.c,
    // record_callback on close): a recording variable, else the channel variable; fewer samples than
    // rate × seconds deletes the file, sets RECORD_DISCARDED=true and the cause input-too-short, while
    // record_file_size keeps the size it had. (Its other discard, empty-file, needs a bug that wrote no
    // frame at all, which never happened in the captures: see FRAME_SAMPLES.)
    const minSec = Number.parseInt(
      file.vars.find(([name]) => name === 'RECORD_MIN_SEC')?.[1] ?? leg.vars.get('RECORD_MIN_SEC') ?? '0',
      10,
    );
    let cause = why === 'hangup' ? 'success-silence' : 'success-maxtime';
    if (minSec > 0 && samples < SAMPLE_RATE * minSec) {
      setVar(leg.vars, 'RECORD_DISCARDED', 'true');
      await rm(path, { force: true });
      cause = 'input-too-short';
    }
    setVar(leg.vars, 'record_samples', String(samples));
    setVar(leg.vars, 'record_seconds', String(Math.floor(samples / SAMPLE_RATE)));
    setVar(leg.vars, 'record_ms', String(Math.floor(samples / (SAMPLE_RATE / 1000))));
    setVar(leg.vars, 'record_completion_cause', cause);
    return [this.event('RECORD_STOP', leg, [...tail, ['Record-Completion-Cause', cause]])];
  }

  /** Hangs a loopback call up after `delayMs`: the given leg, then its other leg. */
  private hangupCall(first: Leg, delayMs: number) {
    const legs = [first, ...(first.other ? [first.other] : [])].filter(
      (leg) => this.legs.get(leg.uuid) === leg,
    );
    for (const leg of legs) {
      this.legs.delete(leg.uuid);
      for (const timer of leg.timers) clearTimeout(timer);
    }
    const hangup = async () => {
      const now = this.options.now();
      for (const leg of legs) {
        leg.state = 'hanging-up';
        leg.hungUpAt = now;
        for (const path of [...leg.files.keys()]) this.emit(await this.close(leg, path, 'hangup'));
        this.setHangupVars(leg);
        leg.state = 'hung-up';
        this.emit([this.event('CHANNEL_HANGUP_COMPLETE', leg, [])]);
      }
    };
    if (delayMs === 0) void hangup();
    else setTimeout(() => void hangup(), delayMs);
  }

  /** The variables FreeSWITCH sets on a leg when it hangs up (times and durations from this leg). */
  private setHangupVars(leg: Leg) {
    const start = leg.createdAt;
    const end = leg.hungUpAt ?? this.options.now();
    const ms = end - start;
    const computed: Record<string, string> = {
      hangup_cause: leg.hangupCause,
      start_stamp: localStamp(start),
      profile_start_stamp: localStamp(start),
      answer_stamp: localStamp(start),
      end_stamp: localStamp(end),
      start_epoch: seconds(start),
      start_uepoch: micros(start),
      profile_start_epoch: seconds(start),
      profile_start_uepoch: micros(start),
      answer_epoch: seconds(start),
      answer_uepoch: micros(start),
      end_epoch: seconds(end),
      end_uepoch: micros(end),
      last_app: leg.app,
      duration: String(Math.floor(ms / 1000)),
      billsec: String(Math.floor(ms / 1000)),
      flow_billsec: String(Math.floor(ms / 1000)),
      mduration: String(ms),
      billmsec: String(ms),
      flow_billmsec: String(ms),
      uduration: String(ms * 1000),
      billusec: String(ms * 1000),
      flow_billusec: String(ms * 1000),
    };
    for (const [name, value] of leg.template.hangupVars) {
      if (name === 'last_arg') continue;
      setVar(leg.vars, name, computed[name] ?? this.substitute(leg, value));
      if (name === 'last_app' && leg.appData !== undefined) setVar(leg.vars, 'last_arg', leg.appData);
    }
  }

  /** The leg's channel headers, as its state shows them now. */
  private profile(leg: Leg): Header[] {
    const states = {
      up: ['CS_EXECUTE', 'ACTIVE', '4', 'answered'],
      'hanging-up': ['CS_HANGUP', 'ACTIVE', '10', 'hangup'],
      'hung-up': ['CS_REPORTING', 'HANGUP', '11', 'hangup'],
    } as const;
    const [state, callState, number, answer] = states[leg.state];
    return leg.template.profile.flatMap(([name, value]): Header[] => {
      switch (name) {
        case 'Channel-State':
          return [[name, state]];
        case 'Channel-Call-State':
          return [[name, callState]];
        case 'Channel-State-Number':
          return [[name, number]];
        case 'Answer-State':
          return [[name, answer]];
        case 'Hangup-Cause':
          return leg.state === 'up' ? [] : [[name, leg.hangupCause]];
        case 'Caller-Profile-Created-Time':
        case 'Caller-Channel-Created-Time':
        case 'Caller-Channel-Answered-Time':
          return [[name, micros(leg.createdAt)]];
        case 'Caller-Channel-Hangup-Time':
          return [[name, leg.hungUpAt === undefined ? '0' : micros(leg.hungUpAt)]];
        default:
          return [[name, this.substitute(leg, value)]];
      }
    });
  }

  /** A captured value made this leg's: its uuids and its extension. */
  private substitute(leg: Leg, value: string): string {
    let out = value
      .split(leg.template.uuid)
      .join(leg.uuid)
      .split(leg.template.other)
      .join(leg.other?.uuid ?? '');
    if (leg.ext === CAPTURED_EXT) return out;
    if (out === CAPTURED_EXT) return leg.ext;
    out = out.split(`loopback/${CAPTURED_EXT}-`).join(`loopback/${leg.ext}-`);
    return out.split(`<${CAPTURED_EXT}>`).join(`<${leg.ext}>`);
  }

  private recordedMs(file: ActiveFile, now: number): number {
    const paused = file.pausedMs + (file.pausedSince === undefined ? 0 : now - file.pausedSince);
    return Math.max(0, now - file.startedAt - paused);
  }

  private samplesOf(file: ActiveFile): number {
    const frames = Math.floor(
      (this.recordedMs(file, this.options.now()) * SAMPLE_RATE) / 1000 / FRAME_SAMPLES,
    );
    return Math.max(1, frames) * FRAME_SAMPLES;
  }

  /** The captured head of an event, with this switch's identity, time and sequence. */
  private head(event: EventName): Header[] {
    const now = this.options.now();
    this.sequence += 1 + Math.floor(Math.random() * 3); // FreeSWITCH's global sequence has gaps
    const values: Record<string, string> = {
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': this.options.hostname,
      'FreeSWITCH-Switchname': this.options.hostname,
      'Event-Date-Local': localStamp(now),
      'Event-Date-GMT': new Date(now).toUTCString(),
      'Event-Date-Timestamp': micros(now),
      'Event-Sequence': String(this.sequence),
    };
    return (templates as Templates).heads[event].map(([name, value]) => [name, values[name] ?? value]);
  }

  /** One event of a leg as it is now: head, channel headers, variables, then what the event adds. */
  private event(event: EventName, leg: Leg, tail: Header[]): SwitchEvent {
    const variables = [...leg.vars].map(([name, value]): Header => [`variable_${name}`, value]);
    return { name: event, headers: [...this.head(event), ...this.profile(leg), ...variables, ...tail] };
  }

  private emit(events: SwitchEvent[]) {
    for (const event of events) this.options.onEvent(event);
  }
}

/** Sets a channel variable as FreeSWITCH does: the old one goes, the new one comes last; empty deletes. */
function setVar(vars: Map<string, string>, name: string, value: string) {
  vars.delete(name);
  if (value !== '') vars.set(name, value);
}

function recordingVariables(vars: Header[]): Header[] {
  return vars.map(([name, value]): Header => [`Recording-Variable-${name}`, value]);
}

/** The two files of a native recording (FreeSWITCH appends `-in`/`-out` and the codec, L16 here). */
function nativeFiles(path: string): string[] {
  return [`${path}-in.L16`, `${path}-out.L16`];
}

/** `YYYY-MM-DD HH:MM:SS` (FreeSWITCH writes its local time; the simulator's is UTC). */
function localStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function seconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** FreeSWITCH's microsecond timestamps. */
function micros(ms: number): string {
  return `${Math.floor(ms)}000`;
}

/** `{a=b,c=d}` (URL-decoded first, as FreeSWITCH does); anything without braces is ignored. */
function parseRecordingVars(arg: string | undefined): Header[] {
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
    return eq > 0 ? [[pair.slice(0, eq), pair.slice(eq + 1)] as Header] : [];
  });
}
