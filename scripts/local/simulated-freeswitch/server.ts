import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameJsonEvent, framePlainEvent } from './captured-events.ts';
import { REPLIES, SimulatedSwitch, type SwitchEvent } from './switch-model.ts';

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
}

const DISCONNECT_NOTICE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const EVENT_NAMES = new Set(['RECORD_START', 'RECORD_STOP', 'CHANNEL_HANGUP_COMPLETE', 'HEARTBEAT', 'ALL']);

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
    if (!socket.destroyed && !lostSockets.has(socket)) socket.write(data);
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
        connection.format === 'json' ? frameJsonEvent(event.headers) : framePlainEvent(event.headers),
      );
    }
  };

  const sw = new SimulatedSwitch({
    hostname: options.hostname ?? 'simulated-fs',
    soundsDir: options.soundsDir ?? join(tmpdir(), 'minivoice-fs-sounds'),
    now: options.now ?? Date.now,
    onEvent: broadcast,
  });

  /** Carries out one `api` command and returns its body. */
  async function api(command: string): Promise<string> {
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
        const paths = sw.recordingPaths(args[0] ?? '');
        if (!paths) return REPLIES.noReply;
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
      case 'originate': {
        const dial = args[0];
        if (!dial || !args[1]) {
          return '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
        }
        const uuid = /origination_uuid=([^,}]+)/.exec(dial)?.[1];
        return `+OK ${sw.originate(uuid)}\n`;
      }
      case 'status':
        return `UP 0 years, 0 days, 0 hours, 0 minutes\nFreeSWITCH (Version 1.11.3-dev  64bit) is ready\n${sw.channelList().length} session(s)\n`;
      case 'version':
        return 'FreeSWITCH Version 1.11.3-dev~64bit ( 64bit)\n';
      default:
        return `-ERR ${name} Command not found!\n`;
    }
  }

  function showChannels(): string {
    const rows = sw.channelList();
    if (rows.length === 0) return '{"row_count": 0}\n';
    return JSON.stringify({
      row_count: rows.length,
      rows: rows.map(({ uuid, createdAt }) => ({
        uuid,
        direction: 'outbound',
        created: new Date(createdAt).toISOString().slice(0, 19).replace('T', ' '),
        created_epoch: String(Math.floor(createdAt / 1000)),
        name: 'loopback/4440-a',
        state: 'CS_EXECUTE',
        callstate: 'ACTIVE',
        call_uuid: uuid,
      })),
    });
  }

  async function handleLine(connection: Connection, line: string) {
    const { socket } = connection;
    if (line.startsWith('auth ')) {
      connection.authed = !refuseAuth && line.slice(5) === password;
      if (connection.authed) counts.authentications += 1;
      reply(socket, connection.authed ? '+OK accepted' : '-ERR invalid');
      if (!connection.authed) {
        send(socket, `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${DISCONNECT_NOTICE}`);
        socket.end();
      }
      return;
    }
    if (!connection.authed) {
      send(socket, 'Content-Type: command/reply\nReply-Text: -ERR invalid\n\n');
      return;
    }
    if (line === 'exit') {
      reply(socket, '+OK bye');
      send(socket, `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${DISCONNECT_NOTICE}`);
      socket.end();
      return;
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

  const server: Server = createServer((socket) => {
    const connection: Connection = {
      socket,
      authed: false,
      events: undefined,
      format: 'plain',
      lost: false,
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
    /** Creates a channel (as `originate … &park` would) and returns its uuid. */
    addChannel: (uuid?: string) => sw.originate(uuid),
    /** Paths recording on a channel right now (`[]` when none, undefined for no channel). */
    recordings: (uuid: string) => sw.recordingPaths(uuid),
    isRecording: (uuid: string) => (sw.recordingPaths(uuid) ?? []).length > 0,
    hasChannel: (uuid: string) => sw.hasChannel(uuid),
    setChannelVar: (uuid: string, name: string, value: string) => sw.setVar(uuid, name, value),
    /** Hangs a channel up as `uuid_kill` does. */
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
