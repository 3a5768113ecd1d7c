import mongoose from 'mongoose';
import request from 'supertest';
import type { AccountDoc, EventDoc } from '../../src/store/models';
import { deliver, invoicePaid, stripeId } from '../fixtures/stripe';
import { hookCollections } from '../support/collectionHooks';
import { asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * SPEC §7: an answer given from the stored state without a write (a repeated key, a retried capture or
 * release, a redelivered event) comes only from majority-committed data, so a failover can never roll back
 * something a client was told happened.
 *
 * A one-member SecantusDB commits every write on its own, so its majority view never lags (less faithful
 * than a mongod replica set): the lag is played here instead, where the driver stands. While `lagging`,
 * a read with readConcern majority sees the documents as they were when the lag began, as mongod's
 * majority snapshot does while secondaries have not caught up.
 */
interface MajorityLag {
  lagging: boolean;
  accounts: Map<string, AccountDoc | null>;
  events: Map<string, EventDoc | null>;
  /** The next write of an account lands, and its acknowledgement is lost (a write concern error). */
  loseNextAck: boolean;
}

function isMajorityRead(options: unknown): boolean {
  return typeof options === 'object' && options !== null && 'readConcern' in options && JSON.stringify(options.readConcern) === '{"level":"majority"}';
}

function filterId(filter: unknown): string {
  return typeof filter === 'object' && filter !== null && '_id' in filter ? String(filter._id) : '';
}

function majorityLag(lag: MajorityLag) {
  return hookCollections((call) => {
    if (call.method === 'findOne' && lag.lagging && isMajorityRead(call.args[1])) {
      const id = filterId(call.args[0]);
      if (call.collection === 'accounts' && lag.accounts.has(id)) return Promise.resolve(lag.accounts.get(id) ?? null);
      if (call.collection === 'events' && lag.events.has(id)) return Promise.resolve(lag.events.get(id) ?? null);
    }
    if (call.collection === 'accounts' && call.method === 'updateOne' && lag.loseNextAck) {
      lag.loseNextAck = false;
      return Promise.resolve(call.proceed()).then(() => {
        throw new mongoose.mongo.MongoWriteConcernError({ ok: 1, n: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } });
      });
    }
    return call.proceed();
  });
}

let h: Harness;
let lag: MajorityLag;
beforeEach(async () => {
  lag = { lagging: false, accounts: new Map(), events: new Map(), loseNextAck: false };
  h = await startHarness({ wrapCollection: majorityLag(lag) });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterEach(() => h.close());

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

async function subscriber(): Promise<string> {
  const customer = stripeId('cus');
  await deliver(h.app, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH })).expect(200);
  return customer;
}

/** From now on a majority read sees these documents as they are now. */
async function majorityStopsAt(customer: string, eventId?: string): Promise<void> {
  lag.accounts.set(customer, await h.stores.connection.collection<AccountDoc>('accounts').findOne({ _id: customer }));
  if (eventId) lag.events.set(eventId, await h.stores.connection.collection<EventDoc>('stripe_events').findOne({ _id: eventId }));
  lag.lagging = true;
}

function debit(customer: string, key: string) {
  return request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 100, idempotencyKey: key });
}

describe('answers from stored state come only from majority-committed data', () => {
  it('when a debit was applied but a majority never confirmed it, then its retry is not answered as done; once a majority has it, the retry answers it', async () => {
    const customer = await subscriber();
    await majorityStopsAt(customer);
    lag.loseNextAck = true;

    const first = await debit(customer, 'render-1');
    const retried = await debit(customer, 'render-1');

    // The first attempt's write landed on this node but was not confirmed: not known to be done.
    expect(first.status).toBe(503);
    expect(first.body.error).toEqual({ type: 'unavailable', message: expect.stringContaining('not known to be done') });
    // Read locally the debit is there; a majority does not have it: a 200 now could be rolled back by an election.
    expect({ status: retried.status, type: retried.body.error?.type }).toEqual({ status: 503, type: 'unavailable' });

    lag.lagging = false;
    const confirmed = await debit(customer, 'render-1').expect(200);
    expect(confirmed.body.balance).toBe(4900);
    expect(await balanceOf(h.app, customer)).toBe(4900);
  });

  it('when the debit a majority never had is rolled back by an election, then the retry applies it, once, and no client was told it happened before', async () => {
    const customer = await subscriber();
    const before = await h.stores.connection.collection<AccountDoc>('accounts').findOne({ _id: customer });
    await majorityStopsAt(customer);
    lag.loseNextAck = true;
    expect((await debit(customer, 'render-2')).status).toBe(503);
    expect((await debit(customer, 'render-2')).status).toBe(503);

    // The election: the new primary never had the write (what a rollback leaves), and its majority moves on.
    if (!before) throw new Error('no account');
    await h.stores.connection.collection<AccountDoc>('accounts').replaceOne({ _id: customer }, before);
    lag.lagging = false;

    const applied = await debit(customer, 'render-2').expect(201);
    expect(applied.body.balance).toBe(4900);
    const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
    expect(ledger.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
      ['debit', -100],
      ['grant', 5000],
    ]);
  });

  it('when an event was applied but its outcome is not on a majority, then its redelivery is not answered duplicate (Stripe keeps retrying) until a majority has it', async () => {
    const customer = stripeId('cus');
    const paid = invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH });
    // Before the first delivery: for a majority, neither the account nor the event exists.
    await majorityStopsAt(customer, paid.id);
    await deliver(h.app, paid).expect(200);

    const redelivered = await deliver(h.app, paid);
    expect({ status: redelivered.status, type: redelivered.body.error?.type }).toEqual({ status: 500, type: 'unavailable' });

    lag.lagging = false;
    const later = await deliver(h.app, paid).expect(200);
    expect(later.body.status).toBe('duplicate');
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });
});
