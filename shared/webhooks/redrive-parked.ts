import type { Logger } from '../kernel/logger.ts';
import type { EventQueue, RedriveRequest, WebhookStore } from './ports.ts';
import type { DeliveryRecord, OutboxEvent } from './types.ts';

/** Parked events queued again per redrive message (each page is one bounded piece of work). */
const REDRIVE_PAGE = 100;

/**
 * Works through one page of a redrive request: queues that page of the application's parked events
 * again (as redeliveries), marks them `pending`, and queues the request for the next page. Failing part
 * way throws: the queue hands the same request out again (events queued twice are delivered once).
 */
export async function redriveParked(
  request: RedriveRequest,
  deps: { store: WebhookStore; queue: EventQueue; logger: Logger },
): Promise<number> {
  const page = await deps.store.listDeliveries(request.application_id, 'parked', {
    limit: REDRIVE_PAGE,
    ...(request.cursor ? { cursor: request.cursor } : {}),
    ...(request.since ? { since: request.since } : {}),
  });
  const events = page.records.map(toEvent);
  const queued = await deps.queue.sendAll(events, { redelivery: true });
  await deps.store.markPending(page.records.slice(0, queued));
  if (queued < events.length) throw new Error(`redrive: ${events.length - queued} events not queued yet`);
  if (page.cursor) await deps.queue.requestRedrive({ ...request, cursor: page.cursor });
  deps.logger.info('parked webhook events queued again', {
    application_id: request.application_id,
    queued,
    more: page.cursor !== undefined,
  });
  return queued;
}

/** A delivery record as the event it delivers (its exact body). */
export function toEvent(record: DeliveryRecord): OutboxEvent {
  return {
    event_id: record.event_id,
    event_type: record.event_type as OutboxEvent['event_type'],
    application_id: record.application_id,
    call_id: record.call_id ?? '',
    created_at: record.occurred_at.replace(/\.\d+Z$/, 'Z'),
    occurred_at: record.occurred_at,
    body: record.body,
  };
}
