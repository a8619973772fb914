import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameJsonEvent, framePlainEvent } from './captured-events.ts';
import { type OriginateRequest, REPLIES, SimulatedSwitch, type SwitchEvent } from './switch-model.ts';

/** What the simulator does with one `api` command's reply (carried out unless said otherwise). */
export type ReplyFault =
  /** Answer this text instead, without carrying the command out (a refusal). */
  | { kind: 'answer'; text: string }
  /** Carry it out at once, answer after `ms`. */
  | { kind: 'late'; ms: number }
  /** Carry it out and never answer (the connection stays open). */
  | { kind: 'no-reply' }
  /** Carry it out, then drop the connection without answering. */
  | { kind: 'disconnect' }
  /** Send half the reply and stop. */
  | { kind: 'cut-mid-reply' }
  /** Neither carry it out nor answer (a switch that hangs). */
  | { kind: 'hang' };

/** Options of {@link startSimulatedFreeSwitch}. */
export interface SimulatedFreeSwitchOptions {
  password?: string;
  /** 0 (default) = any free port. */
  port?: number;
  hostname?: string;
  soundsDir?: string;
  now?: () => number;
}

interface Connection {
  socket: Socket;
  authed: boolean;
  events: Set<string> | undefined;
  format: 'plain' | 'json';
  /** The network lost this flow: nothing sent on it arrives, either way (a test fault). */
  lost: boolean;
  /** The disconnect notice went out (FreeSWITCH sends it once, as the listener ends). */
  noticeSent: boolean;
}

const DISCONNECT_NOTICE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const EVENT_NAMES = new Set([
  'RECORD_START',
  'RECORD_STOP',
  'CHANNEL_HANGUP_COMPLETE',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  'ALL',
]);
const ORIGINATE_MS = 22; // a loopback originate answered ~22 ms after it was sent (captured)
const ORIGINATE_USAGE =
  '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
// The columns of FreeSWITCH's `channels` table, in order (switch_core_sqldb.c): `show channels as json`
// lists every one as a string. The simulator fills them from the leg's channel headers.
const CHANNEL_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'application',
  'application_data',
  'dialplan',
  'context',
  'read_codec',
  'read_rate',
  'read_bit_rate',
  'write_codec',
  'write_rate',
  'write_bit_rate',
  'secure',
  'hostname',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'sent_callee_name',
  'sent_callee_num',
  'initial_cid_name',
  'initial_cid_num',
  'initial_ip_addr',
  'initial_dest',
  'initial_dialplan',
  'initial_context',
] as const;
/** Which channel header fills a column (the others are empty, or set below). */
const COLUMN_HEADERS: Partial<Record<(typeof CHANNEL_COLUMNS)[number], string>> = {
  direction: 'Call-Direction',
  name: 'Channel-Name',
  state: 'Channel-State',
  cid_name: 'Caller-Caller-ID-Name',
  cid_num: 'Caller-Caller-ID-Number',
  dest: 'Caller-Destination-Number',
  dialplan: 'Caller-Dialplan',
  context: 'Caller-Context',
  read_codec: 'Channel-Read-Codec-Name',
  read_rate: 'Channel-Read-Codec-Rate',
  read_bit_rate: 'Channel-Read-Codec-Bit-Rate',
  write_codec: 'Channel-Write-Codec-Name',
  write_rate: 'Channel-Write-Codec-Rate',
  write_bit_rate: 'Channel-Write-Codec-Bit-Rate',
  callstate: 'Channel-Call-State',
  callee_name: 'Caller-Callee-ID-Name',
  callee_num: 'Caller-Callee-ID-Number',
  call_uuid: 'Channel-Call-UUID',
  initial_cid_name: 'Caller-Caller-ID-Name',
  initial_cid_num: 'Caller-Caller-ID-Number',
  initial_dest: 'Caller-Destination-Number',
  initial_dialplan: 'Caller-Dialplan',
  initial_context: 'Caller-Context',
};

/**
 * A FreeSWITCH stand-in speaking the inbound Event Socket protocol exactly as the captures in
 * ../shared/notes/freeswitch-transcripts show it: the greeting, `auth`, `api` with `Content-Length`
 * replies, `event plain|json` subscriptions that add up, events framed as FreeSWITCH frames them, `exit`
 * and disconnect notices. Its switch records real WAV files. Used by `npm start` as the local media
 * server and by the tests, which can also make replies late or lost (the command still runs), drop
 * event connections, hang channels up and restart the switch.
 */
export async function startSimulatedFreeSwitch(options: SimulatedFreeSwitchOptions = {}) {
  let password = options.password ?? 'ClueCon';
  const connections = new Set<Connection>();
  const commands: string[] = [];
  let fault: ((command: string) => ReplyFault | undefined) | undefined;
  let refuseAuth = false;
  /** Connections accepted and `auth` commands accepted, since the start. */
  const counts = { connections: 0, authentications: 0 };
  const lostSockets = new WeakSet<Socket>();

  const send = (socket: Socket, data: string) => {
    if (!socket.destroyed && !socket.writableEnded && !lostSockets.has(socket)) socket.write(data);
  };
  const reply = (socket: Socket, text: string) =>
    send(socket, `Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  const apiResponse = (body: string) =>
    `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;

  // Events leave after the reply of the command that caused them, as FreeSWITCH's event queue sends them.
  const broadcast = (event: SwitchEvent) => setImmediate(() => deliver(event));
  const deliver = (event: SwitchEvent) => {
    for (const connection of connections) {
      const wanted = connection.events;
      if (!connection.authed || !wanted || !(wanted.has(event.name) || wanted.has('ALL'))) continue;
      send(
        connection.socket,
        connection.format === 'json'
          ? frameJsonEvent(event.headers, event.body)
          : framePlainEvent(event.headers, event.body),
      );
    }
  };

  const sw = new SimulatedSwitch({
    hostname: options.hostname ?? 'simulated-fs',
    soundsDir: options.soundsDir ?? join(tmpdir(), 'minivoice-fs-sounds'),
    now: options.now ?? Date.now,
    onEvent: broadcast,
  });

  /**
   * Carries out one `api` command and returns its body. As mod_event_socket does, a command that writes
   * nothing is answered `-ERR no reply` (api_exec).
   */
  async function api(command: string): Promise<string> {
    const body = await run(command);
    return body === '' ? REPLIES.noReply : body;
  }

  async function run(command: string): Promise<string> {
    const [name = '', ...args] = command.split(' ');
    switch (name) {
      case 'uuid_record': {
        // FreeSWITCH splits into at most 5 arguments; the last keeps its spaces.
        const [uuid, action, path, limit, ...vars] = args;
        if (!uuid || !action || !path) return REPLIES.recordUsage;
        return sw.record(uuid, action.toLowerCase(), path, limit, vars.join(' ') || undefined);
      }
      case 'uuid_getvar': {
        const [uuid, variable] = args;
        if (!uuid || !variable) return REPLIES.getvarUsage;
        if (!sw.hasChannel(uuid)) return REPLIES.noChannel;
        return sw.getVar(uuid, variable) ?? '_undef_';
      }
      case 'uuid_setvar': {
        const [uuid, variable, ...value] = args;
        if (!uuid || !variable) return '-USAGE: <uuid> <var> [value]\n';
        if (!sw.hasChannel(uuid)) return REPLIES.noChannel;
        sw.setVar(uuid, variable, value.join(' '));
        return '+OK\n';
      }
      case 'uuid_exists':
        return sw.hasChannel(args[0] ?? '') ? 'true' : 'false';
      case 'uuid_kill':
        return sw.kill(args[0] ?? '');
      case 'uuid_buglist': {
        // mod_commands' uuid_buglist_function and switch_core_media_bug_enumerate (source, not captured):
        // nothing at all for an unknown channel (so `-ERR no reply`), else every bug of the channel.
        if (!args[0]) return '-USAGE: <uuid>\n';
        const paths = sw.recordingPaths(args[0]);
        if (!paths) return '';
        const bugs = paths.map(
          (path) =>
            ` <media-bug>\n  <function>session_record</function>\n  <target>${path}</target>\n  <thread-locked>0</thread-locked>\n </media-bug>\n`,
        );
        return `<media-bugs>\n${bugs.join('')}</media-bugs>\n`;
      }
      case 'show':
        if (args.join(' ') !== 'channels as json') return `-USAGE: ${command}\n`;
        return showChannels();
      case 'global_getvar':
        return args[0] === 'core_uuid' ? sw.coreUuid : '';
      case 'originate':
        return originate(args);
      case 'status':
        return status();
      case 'version':
        return 'FreeSWITCH Version 1.11.3-dev~64bit ( 64bit)\n';
      default:
        return `-ERR ${name} Command not found!\n`;
    }
  }

  /**
   * `originate <call url> <exten>|&<app>(<args>) …`: only loopback is loaded here. The application's
   * argument ends at its first `)`, as mod_commands cuts it (captured: `&playback(a;b)` ran `a`).
   */
  async function originate(args: string[]): Promise<string> {
    if (args.length < 2 || args.length > 7) return ORIGINATE_USAGE;
    const [url = '', exten = ''] = args;
    await new Promise((resolve) => setTimeout(resolve, ORIGINATE_MS));
    const endpoint = /^(?:\{[^}]*\})?(?:\[[^\]]*\])?([^/]*)\/([^/]*)/.exec(url);
    if (endpoint?.[1] !== 'loopback') return '-ERR CHAN_NOT_IMPLEMENTED\n';
    const request: OriginateRequest = { ext: endpoint[2] ?? '' };
    const uuid = /origination_uuid=([^,}]+)/.exec(url)?.[1];
    if (uuid) request.uuid = uuid;
    const app = /^&([^()]+)(?:\(([^)]*))?/.exec(exten);
    if (app?.[1]) {
      request.app = app[1];
      if (app[2] !== undefined) request.appData = app[2];
    }
    return `+OK ${sw.originate(request)}\n`;
  }

  /** `status`, formatted as mod_commands' status_function writes it (the numbers are the simulator's). */
  function status(): string {
    const ms = Math.max(0, (options.now ?? Date.now)() - sw.startedAt);
    const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`;
    const up = [
      unit(0, 'year'),
      unit(Math.floor(ms / 86_400_000), 'day'),
      unit(Math.floor(ms / 3_600_000) % 24, 'hour'),
      unit(Math.floor(ms / 60_000) % 60, 'minute'),
      unit(Math.floor(ms / 1000) % 60, 'second'),
      unit(ms % 1000, 'millisecond'),
      unit(0, 'microsecond'),
    ].join(', ');
    const count = sw.channelList().length;
    return [
      `UP ${up}`,
      'FreeSWITCH (Version 1.11.3-dev  64bit) is ready',
      `${sw.sessions} session(s) since startup`,
      `${count} session(s) - peak ${sw.peak}, last 5min ${sw.peak} `,
      '0 session(s) per Sec out of max 30, peak 0, last 5min 0 ',
      '1000 session(s) max',
      'min idle cpu 0.00/99.00',
      'Current Stack Size/Max 240K/8192K\n',
    ].join('\n');
  }

  /**
   * `show channels as json`, as mod_commands writes it (source, not captured): `{"row_count": 0}` and a
   * newline when there is none, else one unformatted object of every column as a string, no newline.
   */
  function showChannels(): string {
    const rows = sw.channelList();
    if (rows.length === 0) return '{"row_count": 0}\n';
    return JSON.stringify({
      row_count: rows.length,
      rows: rows.map((leg) => {
        const header = (name: string | undefined) => leg.headers.find(([n]) => n === name)?.[1] ?? '';
        const values: Partial<Record<(typeof CHANNEL_COLUMNS)[number], string>> = {
          uuid: leg.uuid,
          created: new Date(leg.createdAt).toISOString().slice(0, 19).replace('T', ' '),
          created_epoch: String(Math.floor(leg.createdAt / 1000)),
          application: leg.app,
          application_data: leg.appData,
          hostname: options.hostname ?? 'simulated-fs',
        };
        return Object.fromEntries(
          CHANNEL_COLUMNS.map((column) => [column, values[column] ?? header(COLUMN_HEADERS[column])]),
        );
      }),
    });
  }

  async function handleLine(connection: Connection, line: string) {
    const { socket } = connection;
    if (line.startsWith('auth ')) {
      connection.authed = !refuseAuth && line.slice(5) === password;
      if (connection.authed) counts.authentications += 1;
      reply(socket, connection.authed ? '+OK accepted' : '-ERR invalid');
      if (!connection.authed) disconnect(connection);
      return;
    }
    if (!connection.authed) {
      send(socket, 'Content-Type: command/reply\nReply-Text: -ERR invalid\n\n');
      return;
    }
    if (line === 'exit') {
      reply(socket, '+OK bye');
      return disconnect(connection);
    }
    if (line.startsWith('event ')) {
      const [, format = '', ...names] = line.split(' ');
      if (format !== 'plain' && format !== 'json') return reply(socket, '-ERR no keywords supplied');
      const valid = names.filter((n) => EVENT_NAMES.has(n.toUpperCase()));
      if (valid.length === 0) return reply(socket, '-ERR no keywords supplied');
      // Subscriptions add up; the format applies to all of them.
      connection.events = new Set([...(connection.events ?? []), ...valid.map((n) => n.toUpperCase())]);
      connection.format = format;
      return reply(socket, `+OK event listener enabled ${format}`);
    }
    if (line === 'noevents') {
      const was = connection.events;
      connection.events = undefined;
      return reply(socket, was ? '+OK no longer listening for events' : '-ERR not listening for events');
    }
    if (line.startsWith('bgapi ')) {
      // Answered at once; the command runs beside the connection and its result comes as BACKGROUND_JOB.
      const command = line.slice(6);
      const job = randomUUID();
      commands.push(command);
      send(socket, `Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`);
      const space = command.indexOf(' ');
      void api(command).then((result) =>
        sw.fireJob(
          job,
          space < 0 ? command : command.slice(0, space),
          space < 0 ? undefined : command.slice(space + 1),
          result,
        ),
      );
      return;
    }
    if (line.startsWith('api ')) {
      const command = line.slice(4);
      commands.push(command);
      const plan = fault?.(command);
      if (plan?.kind === 'answer') return send(socket, apiResponse(plan.text));
      if (plan?.kind === 'hang') return;
      const body = await api(command); // carried out whatever happens to the reply
      if (plan?.kind === 'no-reply') return;
      if (plan?.kind === 'disconnect') return void socket.destroy();
      if (plan?.kind === 'cut-mid-reply') {
        return send(socket, apiResponse(body).slice(0, -Math.max(1, Math.floor(body.length / 2))));
      }
      if (plan?.kind === 'late') {
        setTimeout(() => send(socket, apiResponse(body)), plan.ms);
        return;
      }
      return send(socket, apiResponse(body));
    }
    reply(socket, '-ERR command not found');
  }

  /** Ends a connection as mod_event_socket's listener does: the disconnect notice, then the close. */
  function disconnect(connection: Connection) {
    if (!connection.noticeSent) {
      connection.noticeSent = true;
      send(
        connection.socket,
        `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${DISCONNECT_NOTICE}`,
      );
    }
    connection.socket.end();
  }

  // Half-open: a client that closes its side still gets the disconnect notice (captured), then the close.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    const connection: Connection = {
      socket,
      authed: false,
      events: undefined,
      format: 'plain',
      lost: false,
      noticeSent: false,
    };
    connections.add(connection);
    counts.connections += 1;
    socket.on('close', () => connections.delete(connection));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    let buffer = '';
    let chain = Promise.resolve();
    send(socket, 'Content-Type: auth/request\n\n');
    socket.on('data', (chunk: Buffer) => {
      if (connection.lost) return;
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 2);
        // One connection's commands run in order, as FreeSWITCH runs them.
        chain = chain.then(() => handleLine(connection, line)).catch(() => undefined);
      }
    });
    socket.on('end', () => {
      chain = chain.then(() => (connection.lost ? undefined : disconnect(connection)));
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    port,
    /** The Event Socket password now. */
    get password() {
      return password;
    },
    /** Every `api` command received, in order. */
    commands,
    /**
     * Creates a call (as `originate {origination_uuid=…}loopback/4440 &park` would: a parked A leg with
     * this uuid, and a B leg) and returns the A leg's uuid.
     */
    addChannel: (uuid?: string) => sw.originate(uuid === undefined ? {} : { uuid }),
    /** Paths recording on a channel right now (`[]` when none, undefined for no channel). */
    recordings: (uuid: string) => sw.recordingPaths(uuid),
    isRecording: (uuid: string) => (sw.recordingPaths(uuid) ?? []).length > 0,
    hasChannel: (uuid: string) => sw.hasChannel(uuid),
    setChannelVar: (uuid: string, name: string, value: string) => sw.setVar(uuid, name, value),
    /** Hangs a channel up as `uuid_kill` does (both legs of its call send CHANNEL_HANGUP_COMPLETE). */
    hangup: (uuid: string) => sw.kill(uuid),
    /** The switch's process restarts: new Core-UUID, every channel gone, no events for them. */
    restart: () => sw.restart(),
    get coreUuid() {
      return sw.coreUuid;
    },
    /** Changes what happens to the replies of matching commands (undefined = answer normally). */
    setFault(plan: ((command: string) => ReplyFault | undefined) | undefined) {
      fault = plan;
    },
    setRefuseAuth(value: boolean) {
      refuseAuth = value;
    },
    /**
     * A new password, as an operator sets it (`event_socket.conf.xml`, then `reload mod_event_socket`):
     * the reload closes every Event Socket connection, and only the new password is accepted from then on.
     */
    reloadWithPassword(value: string) {
      password = value;
      for (const connection of connections) connection.socket.destroy();
    },
    /** Closes every connection that subscribed to events (a network blip for the media relay). */
    dropEventConnections() {
      for (const connection of connections) if (connection.events) connection.socket.destroy();
    },
    /** Closes every authenticated connection that did not subscribe to events (the API's commands). */
    dropCommandConnections() {
      for (const connection of connections) {
        if (connection.authed && !connection.events) connection.socket.destroy();
      }
    },
    /**
     * The network silently forgets every open connection (as a NAT or a frozen peer does): nothing sent
     * on them arrives any more, in either direction, and nobody closes them. New connections work.
     */
    loseConnections() {
      for (const connection of connections) {
        connection.lost = true;
        lostSockets.add(connection.socket);
      }
    },
    /** How many connections were accepted, and how many of them authenticated, since the start. */
    get counts() {
      return { ...counts };
    },
    async close() {
      sw.shutdown();
      for (const connection of connections) connection.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The simulator's handle. */
export type SimulatedFreeSwitch = Awaited<ReturnType<typeof startSimulatedFreeSwitch>>;
