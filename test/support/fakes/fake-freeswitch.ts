import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

/** What the fake does with one `api` command instead of answering normally. */
export type FaultPlan =
  | { kind: 'err'; text: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'hang-mid-reply' };

/**
 * A FreeSWITCH stand-in speaking the real inbound Event Socket wire protocol: `auth/request` on
 * connect, `command/reply` to `auth`, `api/response` with `Content-Length` to `api`, a
 * `text/disconnect-notice` on `exit` or a bad password. It knows channels by UUID and implements
 * `uuid_record <uuid> start|stop <path>` and `uuid_getvar`, setting `record_ms`/`record_samples`
 * (8 kHz) on stop as FreeSWITCH does.
 */
export async function startFakeFreeSwitch(password = 'ClueCon') {
  const channels = new Map<
    string,
    { vars: Map<string, string>; recording?: { path: string; since: number } }
  >();
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let fault: ((command: string) => FaultPlan | undefined) | undefined;
  let refuseAuth = false;

  const answer = (command: string): string => {
    const [name, uuid = '', verb, path] = command.split(' ');
    const channel = channels.get(uuid);
    if (name === 'uuid_record') {
      if (!channel) return '-ERR Cannot locate session!\n';
      if (verb === 'start' && path) {
        channel.recording = { path, since: Date.now() };
        return '+OK Success\n';
      }
      if (verb === 'stop' && channel.recording) {
        const ms = Date.now() - channel.recording.since;
        channel.vars.set('record_ms', String(ms));
        channel.vars.set('record_samples', String(Math.round((ms * 8000) / 1000)));
        channel.recording = undefined;
        return '+OK Success\n';
      }
      return '-ERR Cannot stop: not recording\n';
    }
    if (name === 'uuid_getvar') {
      if (!channel) return '-ERR No such channel!\n';
      return `${channel.vars.get(verb ?? '') ?? '_undef_'}\n`;
    }
    return `-ERR ${name} Command not found!\n`;
  };

  const send = (socket: Socket, headers: Record<string, string>, body = '') => {
    const all = body ? { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } : headers;
    const head = Object.entries(all)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('');
    socket.write(`${head}\n${body}`);
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let authed = false;
    send(socket, { 'Content-Type': 'auth/request' });
    socket.on('data', async (chunk) => {
      buffer += chunk.toString();
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (line.startsWith('auth ')) {
          authed = !refuseAuth && line.slice(5) === password;
          send(socket, {
            'Content-Type': 'command/reply',
            'Reply-Text': authed ? '+OK accepted' : '-ERR invalid',
          });
          if (!authed) {
            send(socket, { 'Content-Type': 'text/disconnect-notice' }, 'Disconnected, goodbye.\n');
            socket.end();
          }
        } else if (line === 'exit') {
          send(socket, { 'Content-Type': 'command/reply', 'Reply-Text': '+OK bye' });
          socket.end();
        } else if (line.startsWith('api ') && authed) {
          const command = line.slice(4);
          commands.push(command);
          const plan = fault?.(command);
          if (plan?.kind === 'drop') {
            socket.destroy();
            return;
          }
          if (plan?.kind === 'hang-mid-reply') {
            socket.write('Content-Type: api/response\nContent-Length: 40\n\n+OK');
            return;
          }
          if (plan?.kind === 'delay') await new Promise((r) => setTimeout(r, plan.ms));
          const body = plan?.kind === 'err' ? `${plan.text}\n` : answer(command);
          if (!socket.destroyed) send(socket, { 'Content-Type': 'api/response' }, body);
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: (server.address() as AddressInfo).port,
    /** Every `api` command received, in order. */
    commands,
    addChannel(uuid: string) {
      channels.set(uuid, { vars: new Map() });
    },
    isRecording: (uuid: string) => channels.get(uuid)?.recording !== undefined,
    /** Injects a fault for matching commands (undefined = answer normally). */
    setFault(plan: ((command: string) => FaultPlan | undefined) | undefined) {
      fault = plan;
    },
    setRefuseAuth(value: boolean) {
      refuseAuth = value;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The fake server's handle. */
export type FakeFreeSwitch = Awaited<ReturnType<typeof startFakeFreeSwitch>>;
