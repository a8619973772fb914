import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/logger.ts';
import type {
  MediaEventPublisher,
  MediaServerConnector,
  MediaServerSession,
  ObservedEvent,
  ObservedStop,
  RecordingFileStore,
  RecordingUploader,
  RelayJournal,
  RelayState,
} from './relay-ports.ts';
import type { FileOutcome, MediaEvent, UploadsRetrying } from './types.ts';

/** Ports and settings of the media relay. */
export interface MediaRelayDeps {
  connect: MediaServerConnector;
  publisher: MediaEventPublisher;
  files: RecordingFileStore;
  uploader: RecordingUploader;
  /** The object key a recording file of ours is stored under (undefined: not ours). */
  objectKeyOf: (path: string) => string | undefined;
  journal: RelayJournal;
  clock: Clock;
  logger: Logger;
  settings: {
    /** This media server's name in the events (`media_node`: its name in the functions' `ESL_NODES`). */
    node: string;
    /** Reconcile and scan this often while connected (a missed event costs at most this long). */
    reconcileEveryMs: number;
    /** A file younger than this may be a recording that is only just starting: the scan leaves it. */
    scanMinAgeMs: number;
    /** Reported files are remembered (and scanned) this long. */
    retentionMs: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
    /** A file still not stored this long after it closed is reported `storage_failed` and deleted. */
    uploadGiveUpMs: number;
    /** Files stored at the same time. */
    uploadConcurrency: number;
    /**
     * A file that failed to store and closed at least this long ago makes the relay send its
     * `uploads_retrying` summary (default {@link UPLOAD_ALARM_AFTER_MS}): storage trouble alarms within
     * minutes, not when `uploadGiveUpMs` runs out and the recordings fail.
     */
    uploadAlarmAfterMs?: number;
    /** The summary is sent at most this often while that lasts (default {@link UPLOAD_ALARM_EVERY_MS}). */
    uploadAlarmEveryMs?: number;
  };
}

/** Default of `uploadAlarmAfterMs`: well past a few quick retries, well before anyone calls support. */
export const UPLOAD_ALARM_AFTER_MS = 120_000;
/** Default of `uploadAlarmEveryMs`: one summary per CloudWatch minute at most, whatever the backlog. */
export const UPLOAD_ALARM_EVERY_MS = 60_000;

/** Pauses between tries of an upload: growing, at most a minute. */
const UPLOAD_RETRY_MIN_MS = 1000;
const UPLOAD_RETRY_MAX_MS = 60_000;

/**
 * The media relay that runs beside each FreeSWITCH: it turns the media server's events into media
 * events on the queue, and makes sure a gap in the event stream loses nothing.
 *
 * Steps (per connection):
 * 1. Connect and subscribe; on failure wait (growing pauses) and try again, for ever.
 * 2. Reconcile: compare what is recording now with what was recording when last seen. A file that
 *    started meanwhile is reported started; one that stopped (and whose RECORD_STOP did not come within
 *    `scanMinAgeMs`) is reported stopped with the facts read from the file, and its channel's hangup
 *    if the channel is gone; a channel seen before and gone now has hung up (its hangup is reported);
 *    a new Core-UUID (restart) means everything that was recording stopped.
 * 3. Scan the recordings directory: a closed file of ours never reported is reported stopped (it was
 *    recorded while the relay was away).
 * 4. Relay live events in order, each once the queue accepted the one before; reconcile and scan again
 *    every `reconcileEveryMs`, and check the connection's health.
 * 5. Store every closed file with audio (whoever saw it close: event, reconciliation or scan) before
 *    reporting it: upload it, report it `stored`, then delete it from the media server's disk. Uploads
 *    run beside the event stream (a long upload holds up no other event), are kept in the journal, and
 *    are retried with growing pauses; a file still not stored `uploadGiveUpMs` after it closed is
 *    reported `storage_failed` and deleted (the recording fails; no audio stays behind unseen). A file
 *    that kept no audio is reported `discarded` and deleted.
 * 6. While some file has failed to store and closed over `uploadAlarmAfterMs` ago, send one
 *    `uploads_retrying` summary (how many files wait, the oldest's age, the last error) at most every
 *    `uploadAlarmEveryMs`: straight to the queue, outside the events' order and the journal; one the
 *    queue refuses is logged and simply sent at the next interval.
 */
export function createMediaRelay(deps: MediaRelayDeps) {
  const { publisher, journal, clock, logger, settings } = deps;
  let state: RelayState = {
    coreUuid: undefined,
    running: {},
    channels: [],
    reported: {},
    scanSinceMs: 0,
    uploads: {},
  };
  const uploading = new Map<string, Promise<void>>();
  let wakeUploads: (() => void) | undefined;
  let stopped = false;
  let session: MediaServerSession | undefined;
  let chain = Promise.resolve();
  let wake: (() => void) | undefined;
  /** Files that were recording and no longer are → when that was first seen. */
  const missing: Record<string, number> = {};
  /**
   * Pending files whose upload failed since this relay started (not journaled: after a restart a file
   * counts again once it fails again; its age comes from the journal's `since`).
   */
  const failing = new Set<string>();
  let lastUploadError = '';
  /** When the uploads summary was last sent (or tried), and the sending under way. */
  let summarizedAt: number | undefined;
  let summarizing: Promise<void> | undefined;

  /** Publishes, retrying until the queue takes it; throws only if the relay stops first. */
  async function publish(event: MediaEvent): Promise<void> {
    for (let pauseMs = 200; !stopped; pauseMs = Math.min(pauseMs * 2, 10_000)) {
      try {
        await publisher.publish(event);
        return;
      } catch (error) {
        logger.warn('media event not queued yet; retrying', { kind: event.kind, error: String(error) });
        await clock.sleep(pauseMs);
      }
    }
    throw new Error('the relay stopped before the queue took the event');
  }

  /** Runs `work` after everything queued before it (events and reconciliations never interleave). */
  function serially(work: () => Promise<void>): Promise<void> {
    chain = chain.then(work).catch((error: unknown) => {
      logger.error('media relay step failed', { error: String(error) });
    });
    return chain;
  }

  const base = (source: MediaEvent['source']) => ({
    media_node: settings.node,
    core_uuid: session?.coreUuid ?? state.coreUuid ?? '',
    at: clock.now().toISOString(),
    source,
  });

  async function relayLive(event: ObservedEvent) {
    if (event.kind === 'recording_stopped') {
      await closed(event);
      await journal.save(state);
      return;
    }
    // A reconciliation that ran between the start and its event reported it already: not twice.
    if (event.kind === 'recording_started' && state.running[event.path] === event.channel_uuid) return;
    await publish(event);
    if (event.kind === 'recording_started') {
      state.running[event.path] = event.channel_uuid;
      if (!state.channels.includes(event.channel_uuid)) state.channels.push(event.channel_uuid);
    }
    if (event.kind === 'channel_hangup')
      state.channels = state.channels.filter((c) => c !== event.channel_uuid);
    await journal.save(state);
  }

  /** A file closed: it is no longer running; report it now (nothing kept) or once it is stored. */
  async function closed(stop: ObservedStop) {
    delete state.running[stop.path];
    delete missing[stop.path];
    if (stop.path in state.uploads || stop.path in state.reported) return;
    // Not named by our path template (voicemail, another service's recording): not ours to store.
    if (deps.objectKeyOf(stop.path) === undefined) return;
    if (stop.file.kind === 'discarded') {
      await report(stop, { kind: 'discarded' });
      return;
    }
    const now = clock.now().getTime();
    state.uploads[stop.path] = { stop, since: now, attempts: 0, nextAt: now };
    wakeUploads?.();
  }

  /** Publishes what became of a closed file, and remembers it is reported. */
  async function report(stop: ObservedStop, file: FileOutcome) {
    // Named by this relay's node: a stop kept in a journal written before `media_node` existed has none.
    await publish({ ...stop, media_node: settings.node, file });
    state.reported[stop.path] = clock.now().getTime();
  }

  async function reconcile(current: MediaServerSession) {
    const now = clock.now().getTime();
    // Files are listed before the media server is asked, so a file cannot be mistaken for closed by
    // starting in between (and files younger than scanMinAgeMs are left for the next round).
    const files = await deps.files.list(state.scanSinceMs);
    const snapshot = await current.snapshot();
    const restarted = state.coreUuid !== undefined && state.coreUuid !== current.coreUuid;
    if (restarted) {
      const cutOff = Object.keys(state.running).length;
      // Only a restart that cut recordings off is worth a warning; an idle one is routine.
      if (cutOff > 0)
        logger.warn('media server restarted: its recordings were cut off', {
          node: settings.node,
          cut_off: cutOff,
        });
      else logger.info('media server restarted', { node: settings.node });
    }
    state.coreUuid = current.coreUuid;

    for (const [path, channel] of snapshot.recordings) {
      if (state.running[path] === channel) continue;
      await publish({ ...base('reconcile'), kind: 'recording_started', channel_uuid: channel, path });
      state.running[path] = channel;
    }
    const hungUp = new Set<string>();
    for (const [path, channel] of Object.entries(state.running)) {
      if (snapshot.recordings.has(path)) {
        delete missing[path];
        continue;
      }
      // It stopped while we were away, or is stopping right now (its RECORD_STOP may still come, and
      // the file may still be being written): report it from the file only once it has settled.
      missing[path] ??= now;
      if (!restarted && now - (missing[path] ?? now) < settings.scanMinAgeMs) continue;
      const ended = restarted || !snapshot.channels.has(channel);
      await closed({
        ...base('reconcile'),
        kind: 'recording_stopped',
        channel_uuid: channel,
        path,
        file: await deps.files.facts(path),
        channel_ended: ended,
      });
      if (ended) hungUp.add(channel);
    }
    const stillReporting = new Set(Object.values(state.running));
    for (const channel of state.channels) {
      // A channel whose files this round has not settled yet gets its hangup when they are reported.
      if (!snapshot.channels.has(channel) && !stillReporting.has(channel)) hungUp.add(channel);
    }
    state.channels = [...snapshot.channels];
    for (const channel of hungUp) {
      await publish({
        ...base('reconcile'),
        kind: 'channel_hangup',
        channel_uuid: channel,
        hangup_cause: undefined,
      });
    }
    for (const file of files) {
      const known = file.path in state.reported || file.path in state.running || file.path in state.uploads;
      if (snapshot.recordings.has(file.path) || known) continue;
      if (now - file.modifiedAtMs < settings.scanMinAgeMs) continue;
      await closed({
        ...base('scan'),
        kind: 'recording_stopped',
        channel_uuid: undefined,
        path: file.path,
        file: await deps.files.facts(file.path),
        channel_ended: undefined,
      });
    }
    for (const [path, at] of Object.entries(state.reported)) {
      if (now - at > settings.retentionMs) delete state.reported[path];
    }
    state.scanSinceMs = Math.max(state.scanSinceMs, now - settings.retentionMs);
    await journal.save(state);
  }

  /** Stores one closed file, then reports it and deletes it; or schedules another try, or gives up. */
  async function store(path: string) {
    const pending = state.uploads[path];
    if (!pending) return;
    const facts = await deps.files.facts(path);
    const key = deps.objectKeyOf(path) ?? '';
    // Any file FreeSWITCH kept is stored, however short (Part 2: only no file at all is "empty").
    if (facts.kind === 'discarded') {
      await finish(path, { kind: 'discarded' });
      return;
    }
    try {
      await deps.uploader.upload(path, key, facts.size_bytes);
    } catch (error) {
      const now = clock.now().getTime();
      pending.attempts += 1;
      failing.add(path);
      lastUploadError = String(error);
      if (now - pending.since < settings.uploadGiveUpMs) {
        const pauseMs = Math.min(UPLOAD_RETRY_MIN_MS * 2 ** (pending.attempts - 1), UPLOAD_RETRY_MAX_MS);
        pending.nextAt = now + pauseMs;
        logger.warn('recording not stored yet; retrying', {
          path,
          attempts: pending.attempts,
          error: String(error),
        });
        // (Not saved here: only the event chain saves the journal, so no save lands mid-reconcile;
        // after a restart the retries simply start over.)
        return;
      }
      logger.error('recording could not be stored; giving up', {
        path,
        attempts: pending.attempts,
        error: String(error),
      });
      await finish(path, { kind: 'storage_failed' });
      return;
    }
    await finish(path, { kind: 'stored', duration_ms: facts.duration_ms, size_bytes: facts.size_bytes });
  }

  /** Reports a closed file's outcome in order with the other events, then deletes the local file. */
  async function finish(path: string, file: FileOutcome) {
    const pending = state.uploads[path];
    if (!pending) return;
    let reported = false;
    await serially(async () => {
      await report(pending.stop, file);
      delete state.uploads[path];
      failing.delete(path);
      reported = true;
      await journal.save(state);
    });
    // Only once reported (even if the journal could not be saved): a crash before this stores and
    // reports the file again (the function ignores the duplicate), never loses it.
    if (reported) await deps.files.remove(path);
  }

  /** Sends the `uploads_retrying` summary when it is due (see step 6); never waits for the queue. */
  function summarizeUploads(now: number) {
    const afterMs = settings.uploadAlarmAfterMs ?? UPLOAD_ALARM_AFTER_MS;
    const everyMs = settings.uploadAlarmEveryMs ?? UPLOAD_ALARM_EVERY_MS;
    if (summarizing || (summarizedAt !== undefined && now - summarizedAt < everyMs)) return;
    const pending = Object.entries(state.uploads);
    if (!pending.some(([path, upload]) => failing.has(path) && now - upload.since >= afterMs)) return;
    summarizedAt = now;
    const summary: UploadsRetrying = {
      kind: 'uploads_retrying',
      media_node: settings.node,
      core_uuid: session?.coreUuid ?? state.coreUuid ?? '',
      at: new Date(now).toISOString(),
      pending: pending.length,
      oldest_age_ms: Math.max(0, ...pending.map(([, upload]) => now - upload.since)),
      last_error: lastUploadError,
    };
    // Not `publish()`: that retries until the queue takes it, and a summary is worth only its moment.
    summarizing = publisher
      .publish(summary)
      .catch((error: unknown) =>
        logger.warn('uploads summary not queued; sending it at the next interval', { error: String(error) }),
      )
      .finally(() => {
        summarizing = undefined;
      });
  }

  /** Runs due uploads, a few at a time, until the relay stops. */
  async function runUploads() {
    while (!stopped) {
      const now = clock.now().getTime();
      summarizeUploads(now);
      let nextAt = now + 1000;
      for (const [path, pending] of Object.entries(state.uploads)) {
        if (uploading.has(path)) continue;
        if (pending.nextAt > now) {
          nextAt = Math.min(nextAt, pending.nextAt);
          continue;
        }
        if (uploading.size >= settings.uploadConcurrency) break;
        const task = store(path)
          .catch((error: unknown) =>
            logger.error('storing a recording failed', { path, error: String(error) }),
          )
          .finally(() => {
            uploading.delete(path);
            wakeUploads?.();
          });
        uploading.set(path, task);
      }
      await Promise.race([
        clock.sleep(Math.max(10, nextAt - now)),
        new Promise<void>((resolve) => {
          wakeUploads = resolve;
        }),
      ]);
    }
    await Promise.allSettled(uploading.values());
    await summarizing;
  }

  /** One connection's life: reconcile, relay, reconcile periodically, until it closes. */
  async function serve(current: MediaServerSession) {
    const closed = new Promise<Error>((resolve) => current.onClose(resolve));
    current.onEvent((event) => void serially(() => relayLive(event)));
    await serially(() => reconcile(current));
    for (;;) {
      const tick = clock.sleep(settings.reconcileEveryMs).then(() => 'tick' as const);
      const woken = new Promise<'wake'>((resolve) => {
        wake = () => resolve('wake');
      });
      const next = await Promise.race([closed.then(() => 'closed' as const), tick, woken]);
      if (next === 'closed' || stopped) return;
      try {
        await current.ping();
      } catch (error) {
        logger.warn('media server connection unhealthy; reconnecting', { error: String(error) });
        current.close();
        return;
      }
      await serially(() => reconcile(current));
    }
  }

  return {
    /** Runs until `stop()`. */
    async run(): Promise<void> {
      const saved = await journal.load();
      state = saved
        ? { ...state, ...saved, uploads: saved.uploads ?? {} }
        : { ...state, scanSinceMs: clock.now().getTime() };
      const uploads = runUploads();
      for (let pauseMs = settings.reconnectMinMs; !stopped; ) {
        try {
          session = await deps.connect();
          logger.info('connected to the media server', { node: settings.node, core_uuid: session.coreUuid });
          pauseMs = settings.reconnectMinMs;
          await serve(session);
        } catch (error) {
          logger.warn('media server connection failed', { error: String(error) });
        }
        session?.close();
        session = undefined;
        if (stopped) break;
        await clock.sleep(pauseMs);
        pauseMs = Math.min(pauseMs * 2, settings.reconnectMaxMs);
      }
      wakeUploads?.();
      await uploads;
      await chain;
      await journal.save(state);
    },
    /** Reconciles now (instead of at the next period). */
    reconcileNow(): Promise<void> {
      const current = session;
      if (!current) return Promise.resolve();
      return serially(() => reconcile(current));
    },
    /** Closed files not stored and reported yet (health, and tests waiting for quiet). */
    pendingUploads(): number {
      return Object.keys(state.uploads).length;
    },
    /** Stops: closes the connection and lets queued events finish. */
    stop(): void {
      stopped = true;
      session?.close();
      wake?.();
      wakeUploads?.();
    },
  };
}
