import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJsonLogger, stdioSink } from '../../../shared/adapters/system/json-logger.ts';
import { withLogContext } from '../../../shared/adapters/system/log-context.ts';

const NOW = '2026-11-24T10:00:00.000Z';

/** A logger writing into a list, and the lines it wrote, parsed. */
function capture(context: Record<string, unknown> = {}) {
  const written: { level: string; line: string }[] = [];
  const logger = createJsonLogger(context, (level, line) => void written.push({ level, line }));
  return { logger, written, parsed: () => written.map(({ line }) => JSON.parse(line)) };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createJsonLogger', () => {
  it('writes one JSON object per line, its fields at the top level, named as the Lambda runtime names them', () => {
    vi.useFakeTimers({ now: new Date(NOW) });
    const { logger, written } = capture({ service: 'recordings' });

    logger.warn('could not postpone media event', { message_id: 'm-1', attempts: 2 });

    expect(written).toEqual([
      {
        level: 'warn',
        line: JSON.stringify({
          timestamp: NOW,
          level: 'WARN',
          message: 'could not postpone media event',
          service: 'recordings',
          message_id: 'm-1',
          attempts: 2,
        }),
      },
    ]);
  });

  it('puts the log context on every line written within it, from any logger', async () => {
    vi.useFakeTimers({ now: new Date(NOW) });
    const { logger, parsed } = capture({ service: 'webhook-sender' });

    await withLogContext({ request_id: 'req-1' }, async () => {
      logger.info('first');
      await Promise.resolve();
      logger.child({ attempt: 1 }).info('second');
    });
    logger.info('outside');

    expect(parsed()).toEqual([
      { timestamp: NOW, level: 'INFO', message: 'first', request_id: 'req-1', service: 'webhook-sender' },
      {
        timestamp: NOW,
        level: 'INFO',
        message: 'second',
        request_id: 'req-1',
        service: 'webhook-sender',
        attempt: 1,
      },
      { timestamp: NOW, level: 'INFO', message: 'outside', service: 'webhook-sender' },
    ]);
  });

  it('keeps the contexts of concurrent work apart, nested ones adding to the enclosing one', async () => {
    const { logger, parsed } = capture();
    const record = (id: string, delayMs: number) =>
      withLogContext({ event_id: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info('delivered');
      });

    await withLogContext({ request_id: 'req-1' }, () =>
      Promise.all([record('evt_a', 20), record('evt_b', 0)]),
    );

    expect(parsed().map(({ request_id, event_id }) => ({ request_id, event_id }))).toEqual([
      { request_id: 'req-1', event_id: 'evt_b' },
      { request_id: 'req-1', event_id: 'evt_a' },
    ]);
  });

  it('lets no context or field pass for the line’s own timestamp, level or message', () => {
    vi.useFakeTimers({ now: new Date(NOW) });
    const { logger, parsed } = capture({ level: 'DEBUG' });

    withLogContext({ message: 'from the context' }, () =>
      logger.error('answered with a server error', { timestamp: 'yesterday', code: 'internal_error' }),
    );

    expect(parsed()).toEqual([
      { timestamp: NOW, level: 'ERROR', message: 'answered with a server error', code: 'internal_error' },
    ]);
  });

  it('writes an error field with its name, message and stack', () => {
    const { logger, parsed } = capture();
    const error = new TypeError('boom');

    logger.error('unhandled error', { error });

    expect(parsed()[0].error).toEqual({ name: 'TypeError', message: 'boom', stack: error.stack });
  });

  it('still writes the line when a field cannot be written as JSON', () => {
    const { logger, parsed } = capture();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;

    logger.info('odd fields', { cycle, size: 10n });

    expect(parsed()[0]).toMatchObject({ message: 'odd fields', cycle: '[object Object]', size: '10' });
  });
});

describe('stdioSink', () => {
  it('writes lines to stdout (errors to stderr) itself, never through the console the Lambda runtime replaces', () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = vi.spyOn(console, 'log');
    const error = vi.spyOn(console, 'error');

    stdioSink('info', '{"message":"a"}');
    stdioSink('warn', '{"message":"b"}');
    stdioSink('error', '{"message":"c"}');

    expect({
      stdout: stdout.mock.calls.map(([line]) => line),
      stderr: stderr.mock.calls.map(([line]) => line),
      console: log.mock.calls.length + error.mock.calls.length,
    }).toEqual({
      stdout: ['{"message":"a"}\n', '{"message":"b"}\n'],
      stderr: ['{"message":"c"}\n'],
      console: 0,
    });
  });
});
