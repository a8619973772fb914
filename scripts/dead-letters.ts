// Operator command for the webhook dead-letter queue: `list` shows parked events, `replay` moves them
// back to the webhook queue (same body and event id), where the sender delivers them again.
//   WEBHOOK_QUEUE_URL=… WEBHOOK_DLQ_URL=… npm run dead-letters -- list [--limit N]
//   WEBHOOK_QUEUE_URL=… WEBHOOK_DLQ_URL=… npm run dead-letters -- replay [--limit N]
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters, replayDeadLetters } from '../shared/adapters/sqs/sqs-dead-letters.ts';
import { loadDeadLetterConfig } from '../shared/config.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: 'string', default: '100' } },
});
const [command] = positionals;
const limit = Number(values.limit);
const config = loadDeadLetterConfig(process.env);
const sqs = new SQSClient({});

if (command === 'list') {
  const letters = await listDeadLetters(sqs, config.WEBHOOK_DLQ_URL, limit);
  for (const letter of letters) {
    console.log(
      JSON.stringify({
        event_id: letter.eventId,
        event_type: letter.eventType,
        application_id: letter.applicationId,
        message_id: letter.messageId,
      }),
    );
  }
  console.log(`${letters.length} dead letter(s)`);
} else if (command === 'replay') {
  const moved = await replayDeadLetters(
    sqs,
    { dlqUrl: config.WEBHOOK_DLQ_URL, queueUrl: config.WEBHOOK_QUEUE_URL },
    limit,
  );
  console.log(`replayed ${moved} message(s)`);
} else {
  console.error('usage: dead-letters list|replay [--limit N]');
  process.exitCode = 2;
}
