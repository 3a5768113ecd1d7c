import request from 'supertest';
import type { SignalDoc } from '../../src/store/models';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { asAdmin, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { describeViolations, takeViolations, watchShardKeys } from '../support/shardKeyContract';

/**
 * The shard-key contract (src/store/shardKeys.ts) on the commands the store really sends: the driver's
 * command monitoring sees each one as a mongos would.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ watchCommands: watchShardKeys });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterEach(() => h.close());

/** March's term, then April's: the sweep at April's end moves March's term to the archive. */
async function archivingSweep(): Promise<void> {
  const customer = stripeId('cus');
  const subscription = stripeId('sub');
  await deliverOk(h.app, invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
  h.clock.set(new Date('2026-04-01T00:00:01Z'));
  await deliverOk(h.app, invoicePaid({ customer, subscription, billingReason: 'subscription_cycle', periodStart: '2026-04-01T00:00:00Z', periodEnd: '2026-05-01T00:00:00Z' }));
  h.clock.set(new Date('2026-05-01T00:00:00Z'));
  await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
  expect((await h.stores.accounts.archivedRecords(customer)).map((r) => r.kind)).toEqual(['term']);
}

/** A dead signal, leased, finished and retried as the dispatcher and `signals retry` do. */
async function signalRoundTrip(): Promise<void> {
  const customer = stripeId('cus');
  const id = `${customer}:signal:1`;
  const now = h.clock.now();
  await h.stores.connection.collection<SignalDoc>('signals').insertOne({
    _id: id,
    customer,
    n: 1,
    type: 'credits.granted',
    createdAt: now,
    body: '{}',
    status: 'pending',
    attempts: 0,
    queuedAt: now,
    nextAttemptAt: now,
    leaseOwner: null,
    leaseUntil: new Date(0),
    lastError: null,
    deliveredAt: null,
  });
  const [queued] = await h.stores.signals.due(now, 10);
  if (!queued) throw new Error('the signal is not due');
  expect(await h.stores.signals.lease(id, 'me', new Date(now.getTime() + 20_000), now)).toBe(true);
  expect(await h.stores.signals.finish(queued, 'me', { status: 'dead', attempts: 1, lastError: 'gone' })).toBe(true);
  expect(await h.stores.signals.retry(id, now)).toEqual(expect.objectContaining({ id, status: 'pending' }));
}

describe('the shard-key contract on what the store sends', () => {
  it('when a sweep archives a settled term and a signal is leased, finished and retried, then the contract names what a MongoDB 6.0 mongos refuses or broadcasts', async () => {
    takeViolations();
    await archivingSweep();
    await signalRoundTrip();

    const found = takeViolations();
    // Before issue 16's fixes: the archive's upsert filtered by _id alone (mongos 6.0 refuses it; the sweep
    // failed on every run once history settled), `signals retry` by _id alone (refused), and the signal's
    // lease and finish by _id alone (legal, but every shard is asked on every delivery).
    expect(found.map((v) => `${v.command} ${v.collection}: ${v.rule}`)).toEqual([
      'update account_archive: an upsert must name the full shard key',
      'update signals: a single-document update by _id alone is sent to every shard: name the shard key',
      'update signals: a single-document update by _id alone is sent to every shard: name the shard key',
      'findAndModify signals: a findAndModify must name the full shard key',
    ]);
    expect(describeViolations(found)).toContain('fromVersion');
  });
});
