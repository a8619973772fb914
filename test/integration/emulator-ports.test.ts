// Each local stand-in started on a port another program holds: a PortInUseError naming the port, the
// program that needed it and the one holding it, never an unhandled 'error' event or a Java trace.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../scripts/emulators/ports.ts';
import {
  explainDynamoDbExit,
  startDynamoDbLocal,
  startS3Emulator,
  startSqsEmulator,
} from '../../scripts/emulators/start-emulators.ts';

const held: Server[] = [];
afterEach(() => {
  for (const server of held.splice(0)) server.close();
});

/** A port held by this test process, as another program would hold it. */
async function occupied(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  held.push(server);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** What a start refused with: the error's class, message parts and fields. */
async function refusal(starting: Promise<unknown>) {
  const error = await starting.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof PortInUseError
    ? { port: error.port, program: error.program, holder: error.holder }
    : error;
}

describe('a local stand-in on a taken port', () => {
  it('the SQS emulator refuses with PortInUseError (its package would crash on an unhandled error event)', async () => {
    const port = await occupied();

    expect(await refusal(startSqsEmulator({ port }))).toEqual({
      port,
      program: 'the SQS emulator',
      holder: expect.stringMatching(new RegExp(`^pid ${process.pid} \\(.+\\)$`)),
    });
  });

  it('the S3 emulator refuses with PortInUseError', async () => {
    const port = await occupied();
    const directory = await mkdtemp(join(tmpdir(), 'minivoice-s3-port-'));
    try {
      expect(await refusal(startS3Emulator({ directory, buckets: [], credentials: [], port }))).toEqual({
        port,
        program: 'the S3 emulator',
        holder: expect.stringMatching(new RegExp(`^pid ${process.pid} \\(`)),
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('DynamoDB Local refuses with PortInUseError before its JVM starts', async () => {
    const port = await occupied();

    expect(await refusal(startDynamoDbLocal({ port }))).toEqual({
      port,
      program: 'DynamoDB Local',
      holder: expect.stringMatching(new RegExp(`^pid ${process.pid} \\(`)),
    });
  });

  it('reads the port DynamoDB Local failed to bind from its Java trace (not the port its banner names)', async () => {
    const port = await occupied();
    // DynamoDB Local's output when the port was taken between the check and its start (captured).
    const output = [
      'Initializing DynamoDB Local with the following configuration:',
      'Port:\t8000',
      'InMemory:\tfalse',
      '',
      `Exception in thread "main" java.io.IOException: Failed to bind to /127.0.0.1:${port}`,
      '\tat org.eclipse.jetty.server.ServerConnector.openAcceptChannel(ServerConnector.java:349)',
      '\tat LocalhostDynamoDB.main(LocalhostDynamoDB.java:23)',
      'Caused by: java.net.BindException: Address already in use',
    ].join('\n');

    expect(await refusal(explainDynamoDbExit(output, 1, 0).then((e) => Promise.reject(e)))).toEqual({
      port,
      program: 'DynamoDB Local',
      holder: expect.stringMatching(new RegExp(`^pid ${process.pid} \\(`)),
    });
  });

  it('words any other early exit of DynamoDB Local as its first error line', async () => {
    const output = [
      'Initializing DynamoDB Local with the following configuration:',
      'Exception in thread "main" java.lang.UnsatisfiedLinkError: no sqlite4java-linux-amd64 in java.library.path',
      '\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2458)',
    ].join('\n');

    expect((await explainDynamoDbExit(output, 1, 0)).message).toBe(
      'DynamoDB Local exited with code 1: Exception in thread "main" java.lang.UnsatisfiedLinkError: no sqlite4java-linux-amd64 in java.library.path',
    );
  });
});
