import type { mongo } from 'mongoose';
import request from 'supertest';
import { DUE_INDEX } from '../../src/store/models';
import type { SignalDoc } from '../../src/store/models';
import { shardKeyOf } from '../../src/store/shardKeys';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { asAdmin, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { takeViolations } from '../support/shardKeyContract';

/**
 * The shard-key contract (src/store/shardKeys.ts) on the commands the store really sends: the driver's
 * command monitoring sees each one as a mongos would.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
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
  it('when a sweep archives a settled term and a signal is leased, finished and retried, then every command names its shard key', async () => {
    takeViolations();
    await archivingSweep();
    await signalRoundTrip();

    // Before issue 16 (see the previous commit): the archive's upsert filtered by _id alone (mongos 6.0
    // refuses it; the sweep failed on every run once history settled), `signals retry` by _id alone
    // (refused), and the signal's lease and finish by _id alone (legal, but every shard asked each time).
    expect(takeViolations()).toEqual([]);
  });

  it('when a test (or the service) sends an upsert without the shard key on the harness connection, then the contract records it', async () => {
    takeViolations();
    await h.stores.connection.collection<{ _id: string }>('account_archive').updateOne({ _id: 'cus_x|term:y' }, { $set: { n: 1 } }, { upsert: true });

    expect(takeViolations().map((v) => v.rule)).toEqual(['an upsert must name the full shard key']);
  });
});

describe("the sweep's due query on a shard (finding 5)", () => {
  it('when the sweep reads the due accounts, then it reads only fields of its hinted index, which holds the shard key, so a shard answers from the index alone', async () => {
    const seen: mongo.Document[] = [];
    const watched = await startHarness({
      watchCommands: (client) =>
        client.on('commandStarted', (event) => {
          if (event.commandName === 'find' && event.command.find === 'accounts' && JSON.stringify(event.command.projection) === '{"_id":1}') seen.push(event.command);
        }),
    });
    try {
      watched.clock.set(new Date('2026-03-10T12:00:00Z'));
      await deliverOk(watched.app, invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
      watched.clock.set(new Date('2026-04-01T00:00:01Z'));
      await request(watched.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);

      const [due] = seen;
      if (!due) throw new Error('the sweep read no due ids');
      const indexFields = Object.keys(DUE_INDEX);
      expect(due.hint).toEqual(DUE_INDEX);
      expect(Object.keys(due.filter).filter((field) => !indexFields.includes(field))).toEqual([]);
      expect(Object.keys(shardKeyOf('accounts') ?? {}).filter((field) => !indexFields.includes(field))).toEqual([]);
      // SecantusDB never covers a query (it fetches every document it returns), so what it can show is that
      // the range is read from this index; mongod's plan for the same command is an IXSCAN with no FETCH.
      const plan = await watched.stores.connection.db!.collection('accounts').find(due.filter, { projection: due.projection, hint: due.hint }).explain('queryPlanner');
      expect(JSON.stringify(plan.queryPlanner.winningPlan)).toContain('"indexName":"nextDueAt_1__id_1"');
    } finally {
      await watched.close();
    }
  });
});
