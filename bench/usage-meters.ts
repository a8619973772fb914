import type { SQSClient } from '@aws-sdk/client-sqs';
import { SQS_CHUNK_BYTES } from './prices.ts';

const MESSAGE_COMMANDS = /^(SendMessage|ReceiveMessage|DeleteMessage|ChangeMessageVisibility)/;

/**
 * Counts the SQS requests a client sends as SQS bills them: one per started 64 KB chunk of the request
 * body. Queue set-up (CreateQueue, attributes) is left out, and so are receives that return nothing: in
 * AWS the event source's empty long polls are a fixed cost per queue, not a cost per recording (the
 * bench's emulator pollers poll far more often). An SDK middleware: the adapters stay unchanged.
 */
export function createSqsRequestMeter(client: SQSClient) {
  let requests = 0;
  client.middlewareStack.add(
    ((
      next: (args: { request: { body?: unknown } }) => Promise<{ output: Record<string, unknown> }>,
      context: { commandName?: string },
    ) =>
      async (args: { request: { body?: unknown } }) => {
        const result = await next(args);
        const command = context.commandName ?? '';
        if (!MESSAGE_COMMANDS.test(command)) return result;
        if (command === 'ReceiveMessageCommand' && !(result.output.Messages as unknown[] | undefined)?.length)
          return result;
        const body = args.request.body;
        const bytes = typeof body === 'string' ? Buffer.byteLength(body) : 0;
        requests += Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
        return result;
      }) as never,
    // Once per attempt on the wire, as SQS counts them.
    { step: 'finalizeRequest', name: 'sqsRequestMeter' },
  );
  return { read: () => requests };
}

/**
 * Counts the invocations of Lambda handlers run in the bench and the milliseconds Lambda would bill for
 * each (its duration on this machine, rounded up to the millisecond).
 */
export function createInvocationMeter() {
  const functions: Record<string, { invocations: number; billed_ms: number }> = {};
  return {
    /** The same handler, counted under `name`. */
    wrap<H extends (...args: never[]) => unknown>(name: string, handler: H): H {
      return (async (...args: Parameters<H>) => {
        const started = performance.now();
        try {
          return await handler(...args);
        } finally {
          const f = functions[name] ?? { invocations: 0, billed_ms: 0 };
          functions[name] = f;
          f.invocations += 1;
          f.billed_ms += Math.ceil(performance.now() - started);
        }
      }) as H;
    },
    read: () => structuredClone(functions),
  };
}

/** A handler wrapper: counts `name`'s invocations, or leaves the handler as it is. */
export type InvocationMeter = ReturnType<typeof createInvocationMeter>;
