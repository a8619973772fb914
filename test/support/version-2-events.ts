import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { drainQueue } from './aws-fixtures.ts';
import type { ServiceHarness } from './service-harness.ts';

/**
 * Turns the relay's report that `path` started recording, once it is on the (held) media-events queue,
 * into the message a relay older than the fleet sent (version 2: the media server named `node`, by
 * default the relay's host name, not a name of `ESL_NODES`). Other messages are put back as they were.
 * Returns the version 2 body queued.
 */
export async function requeueStartAsVersion2(
  h: Pick<ServiceHarness, 'sqs' | 'mediaQueueUrl'>,
  path: string,
  node = 'ip-10-0-1-10',
): Promise<Record<string, unknown>> {
  // Generous: on a loaded machine the relay may take seconds to see the file and report it.
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const messages = await drainQueue(h.sqs, h.mediaQueueUrl);
    const bodies = messages.map((message) => JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
    const start = bodies.find((body) => body.kind === 'recording_started' && body.path === path);
    for (const body of bodies.filter((b) => b !== start)) await send(h, body);
    if (start) {
      const { media_node: _, ...rest } = start;
      const previous = { ...rest, v: 2, node };
      await send(h, previous);
      return previous;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the relay reported no start of ${path}`);
}

async function send(h: Pick<ServiceHarness, 'sqs' | 'mediaQueueUrl'>, body: Record<string, unknown>) {
  await h.sqs.send(new SendMessageCommand({ QueueUrl: h.mediaQueueUrl, MessageBody: JSON.stringify(body) }));
}
