import { beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../../shared/recordings/types.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import {
  STORE_SUBJECTS,
  type StoreSubject,
  seedCallThrough,
  seedTenantThrough,
} from '../../support/store-subjects.ts';

describe.each(STORE_SUBJECTS)('Outbox on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });

  /** Commits a start of a fresh call whose event was created at `at`; returns the event. */
  async function commitEventAt(at: string): Promise<{ call: Call; event: OutboxEvent }> {
    const { application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);
    const claim = { callId: call.id, claimId: 'clm_a', recordingId: `rec_${call.id}`, seq: 1, claimedAt: 1 };
    const event: OutboxEvent = {
      event_id: `evt_${call.id.slice(5)}`,
      event_type: 'recording.started',
      application_id: call.application_id,
      call_id: call.id,
      created_at: at,
      body: '{"event":"recording.started"}',
    };
    await s.recordings.claimStart(claim, { previousSeq: 0 });
    await s.recordings.commitStarted(
      claim,
      {
        id: claim.recordingId,
        call_id: call.id,
        customer_id: call.customer_id,
        application_id: call.application_id,
        provider_call_id: call.provider_call_id ?? '',
        status: 'started',
        storage_type: 'local',
        file_url: '',
        duration_seconds: 0,
        size_bytes: 0,
        created_at: at,
        updated_at: at,
      },
      event,
    );
    return { call, event };
  }
  const mine = (events: OutboxEvent[], ids: string[]) => events.filter((e) => ids.includes(e.event_id));

  it('lists pending events oldest first, only those created before the bound', async () => {
    const late = await commitEventAt('2030-01-01T00:00:02Z');
    const early = await commitEventAt('2030-01-01T00:00:01Z');
    const ids = [late.event.event_id, early.event.event_id];

    expect(mine(await s.outbox.listPending(new Date('2030-01-01T00:00:03Z'), 1000), ids)).toEqual([
      early.event,
      late.event,
    ]);
    expect(mine(await s.outbox.listPending(new Date('2030-01-01T00:00:02Z'), 1000), ids)).toEqual([
      early.event,
    ]);
  });

  it('lists at most the limit', async () => {
    await commitEventAt('2020-01-01T00:00:01Z');
    await commitEventAt('2020-01-01T00:00:02Z');

    expect(await s.outbox.listPending(new Date('2020-01-01T00:00:03Z'), 1)).toHaveLength(1);
  });

  it('forgets an acknowledged event, and acknowledging it again changes nothing', async () => {
    const { event } = await commitEventAt('2031-01-01T00:00:00Z');

    await s.outbox.acknowledge(event);
    await s.outbox.acknowledge(event);

    expect(
      mine(await s.outbox.listPending(new Date('2032-01-01T00:00:00Z'), 1000), [event.event_id]),
    ).toEqual([]);
  });
});
