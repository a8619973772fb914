// Ports of the local stand-ins: binding them with a clear refusal when another program holds one,
// and naming that program (on Linux, from /proc) so the operator knows what to stop.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { StartupProblem } from './startup-problem.ts';

/** A port one of our programs needs but another program holds. */
export class PortInUseError extends StartupProblem {
  /** The port. */
  readonly port: number;
  /** Which of our programs needed it ("DynamoDB Local", "the SQS emulator"). */
  readonly program: string;
  /** Who holds it, when it could be found ("pid 123: java …"). */
  readonly holder: string | undefined;

  constructor(port: number, program: string, holder: string | undefined) {
    super(`port ${port} (${program}) is taken${holder ? ` by ${holder}` : ' by another program'}`);
    this.name = 'PortInUseError';
    this.port = port;
    this.program = program;
    this.holder = holder;
  }
}

/** `listen` on 127.0.0.1 that fails with a {@link PortInUseError} (named after `program`) instead of an error event. */
export async function listenOn(server: Server, port: number, program: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new PortInUseError(port, program, await portHolder(port));
    throw error;
  });
}

/**
 * Checks, before anything starts, that each fixed port (0 = any free one, not checked) can be bound on
 * 127.0.0.1; the first taken one is a {@link PortInUseError}.
 */
export async function assertPortsFree(ports: { port: number; program: string }[]): Promise<void> {
  for (const { port, program } of ports) {
    if (port === 0) continue;
    const probe = createServer();
    await listenOn(probe, port, program);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/**
 * The process listening on a TCP port, as `pid <n> (<command line>)`, read from /proc (Linux; undefined
 * elsewhere, or when the process belongs to a user whose descriptors we may not read).
 */
export async function portHolder(port: number): Promise<string | undefined> {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
      for (const line of lines) {
        const fields = line.trim().split(/\s+/);
        const localPort = Number.parseInt(fields[1]?.split(':').at(-1) ?? '', 16);
        // State 0A is LISTEN; field 9 is the socket's inode.
        if (localPort === port && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
      for (const fd of fds) {
        const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return `pid ${pid} (${await commandLine(pid)})`;
      }
    }
  } catch {
    // Not Linux, or /proc unreadable: the port number alone has to do.
  }
  return undefined;
}

async function commandLine(pid: string): Promise<string> {
  const words = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
  const line = words.join(' ');
  return line.length > 80 ? `${line.slice(0, 77)}...` : line || 'unknown';
}
