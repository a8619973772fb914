import { describe, expect, it } from 'vitest';
import type { AllowancePolicy } from '../../../shared/accounts/gcra.ts';
import type { RequestAllowance } from '../../../shared/accounts/ports.ts';
import { createDynamoDbAdminStore } from '../../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbRequestAllowance } from '../../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import type { AdminStore } from '../../../shared/admin/ports.ts';
import type { Clock } from '../../../shared/kernel/clock.ts';
import { createTestClients, createTestTable, uniqueSuffix } from '../../support/aws-fixtures.ts';
import { createInMemoryAdminStore } from '../../support/fakes/in-memory-admin-store.ts';
import { createInMemoryRequestAllowance } from '../../support/fakes/in-memory-request-allowance.ts';
import { createInMemoryState } from '../../support/fakes/in-memory-state.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { seedTenantThrough } from '../../support/store-subjects.ts';

/** An allowance store: allowances over it (one per "container"), and the admin port that disables. */
interface AllowanceSubject {
  allowance(policy: AllowancePolicy, clock: Clock): RequestAllowance;
  admin: AdminStore;
}

const SUBJECTS: { name: string; create: () => Promise<AllowanceSubject> }[] = [
  {
    name: 'the in-memory fake',
    create: async () => {
      const state = createInMemoryState();
      return {
        allowance: (policy, clock) => createInMemoryRequestAllowance(state, policy, clock),
        admin: createInMemoryAdminStore(state),
      };
    },
  },
  {
    name: 'DynamoDB Local',
    create: async () => {
      const { documents } = createTestClients();
      const table = await createTestTable(documents);
      return {
        allowance: (policy, clock) => createDynamoDbRequestAllowance(documents, table, policy, clock),
        admin: createDynamoDbAdminStore(documents, table),
      };
    },
  },
];

// 4 requests/s (one every 250 ms), bursts of 3: a burst runs `tat` 500 ms ahead of now at most.
const POLICY: AllowancePolicy = { perSecond: 4, burst: 3 };
const ALLOWED = { kind: 'allowed' } as const;

describe.each(SUBJECTS)('RequestAllowance on $name', ({ create }) => {
  /** A fresh application id and an allowance on a clock the test moves. */
  async function setup() {
    const subject = await create();
    const time = createManualClock();
    const allowance = subject.allowance(POLICY, time.clock);
    const take = async (times: number, app: string) => {
      const decisions = [];
      for (let i = 0; i < times; i += 1) decisions.push(await allowance.take(app));
      return decisions;
    };
    return { subject, time, allowance, take, app: `app_${uniqueSuffix()}` };
  }

  it('admits a burst at once, then refuses with the time until the next request fits', async () => {
    const { take, app } = await setup();

    expect(await take(4, app)).toEqual([ALLOWED, ALLOWED, ALLOWED, { kind: 'limited', retryAfterMs: 250 }]);
  });

  it('says how much of the wait is left when refusing later', async () => {
    const { take, time, app } = await setup();
    await take(3, app);
    time.advance(100);

    expect(await take(1, app)).toEqual([{ kind: 'limited', retryAfterMs: 150 }]);
  });

  it('admits one more request per interval once the burst is used', async () => {
    const { take, time, app } = await setup();
    await take(3, app);
    time.advance(250);

    expect(await take(2, app)).toEqual([ALLOWED, { kind: 'limited', retryAfterMs: 250 }]);
  });

  it('takes nothing for a refused request', async () => {
    const { take, time, app } = await setup();
    await take(3, app);
    await take(5, app);
    time.advance(250);

    expect(await take(1, app)).toEqual([ALLOWED]);
  });

  it('fills up to the burst again, never beyond, after a quiet period', async () => {
    const { take, time, app } = await setup();
    await take(3, app);
    time.advance(60_000);

    expect(await take(4, app)).toEqual([ALLOWED, ALLOWED, ALLOWED, { kind: 'limited', retryAfterMs: 250 }]);
  });

  it('keeps each application’s allowance apart', async () => {
    const { take, app } = await setup();
    await take(4, app);

    expect(await take(1, `app_${uniqueSuffix()}`)).toEqual([ALLOWED]);
  });

  it('shares one allowance between containers', async () => {
    const { subject, time, take, app } = await setup();
    const otherContainer = subject.allowance(POLICY, time.clock);
    await take(2, app);

    expect([await otherContainer.take(app), await otherContainer.take(app)]).toEqual([
      ALLOWED,
      { kind: 'limited', retryAfterMs: 250 },
    ]);
  });

  it('admits exactly the burst among concurrent requests', async () => {
    const { subject, time, app } = await setup();
    const containers = Array.from({ length: 10 }, () => subject.allowance(POLICY, time.clock));

    const decisions = await Promise.all(containers.map((container) => container.take(app)));

    expect(decisions.filter((d) => d.kind === 'allowed')).toHaveLength(3);
  });

  it('refuses an application disabled through the admin port at once, whatever its allowance', async () => {
    const { subject, take } = await setup();
    const { application } = await seedTenantThrough(subject.admin);
    await take(1, application.id);

    await subject.admin.setApplicationStatus(application.id, 'disabled');

    expect(await take(2, application.id)).toEqual([{ kind: 'disabled' }, { kind: 'disabled' }]);
  });

  it('refuses a disabled application that never used its allowance', async () => {
    const { subject, take } = await setup();
    const { application } = await seedTenantThrough(subject.admin);

    await subject.admin.setApplicationStatus(application.id, 'disabled');

    expect(await take(1, application.id)).toEqual([{ kind: 'disabled' }]);
  });

  it('admits an application enabled again', async () => {
    const { subject, take } = await setup();
    const { application } = await seedTenantThrough(subject.admin);
    await subject.admin.setApplicationStatus(application.id, 'disabled');

    await subject.admin.setApplicationStatus(application.id, 'active');

    expect(await take(1, application.id)).toEqual([ALLOWED]);
  });
});
