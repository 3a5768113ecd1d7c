import request from 'supertest';
import type { AccountStore, EventStore, LedgerStore } from '../../src/app/ports';
import type { Stores } from '../../src/store/connection';
import { testMongoUri } from '../setup/peers';
import { asApp, startHarness } from '../support/harness';
import { deliver, deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';

/**
 * A crash between any two writes of one webhook must be completed by the redelivery: the final
 * ledger equals that of a run without the crash. Each write is made for real and then the process
 * "dies" (the call throws), which is the hardest moment: the write landed, the answer was a 500.
 */
type Step = 'events.begin' | 'accounts.commit' | 'ledger.insert' | 'accounts.markFlushed' | 'events.finish';

function crashingAfter(step: Step, crashed: { done: boolean }) {
  const once = async <T>(name: Step, write: () => Promise<T>): Promise<T> => {
    const result = await write();
    if (name === step && !crashed.done) {
      crashed.done = true;
      throw new Error(`simulated crash after ${name}`);
    }
    return result;
  };
  return (stores: Stores): Stores => {
    const accounts: AccountStore = {
      load: (c) => stores.accounts.load(c),
      commit: (c) => once('accounts.commit', () => stores.accounts.commit(c)),
      markFlushed: (c, seq) => once('accounts.markFlushed', () => stores.accounts.markFlushed(c, seq)),
      findByExternalId: (e) => stores.accounts.findByExternalId(e),
      findByPaymentIntent: (p) => stores.accounts.findByPaymentIntent(p),
      findDue: (n, l) => stores.accounts.findDue(n, l),
      listCustomers: (a, l) => stores.accounts.listCustomers(a, l),
      pruneOldVersions: () => stores.accounts.pruneOldVersions(),
    };
    const ledger: LedgerStore = {
      insert: (e) => once('ledger.insert', () => stores.ledger.insert(e)),
      findByOpKey: (c, k) => stores.ledger.findByOpKey(c, k),
      page: (c, p) => stores.ledger.page(c, p),
      all: (c) => stores.ledger.all(c),
    };
    const events: EventStore = {
      begin: (e, at) => once('events.begin', () => stores.events.begin(e, at)),
      finish: (id, o) => once('events.finish', () => stores.events.finish(id, o)),
      get: (id) => stores.events.get(id),
      listParked: (l) => stores.events.listParked(l),
    };
    return { ...stores, accounts, ledger, events };
  };
}

const STEPS: Step[] = ['events.begin', 'accounts.commit', 'ledger.insert', 'accounts.markFlushed', 'events.finish'];

describe('when the service crashes between two writes of a webhook', () => {
  it.each(STEPS)('right after %s, then Stripe’s retry completes it exactly once', async (step) => {
    const uri = testMongoUri();
    const crashed = { done: false };
    const h = await startHarness({ uri, wrapStores: crashingAfter(step, crashed) });
    h.clock.set(new Date('2026-03-10T12:00:00Z'));
    try {
      const customer = stripeId('cus');
      const paid = invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });

      const first = await deliver(h.app, paid);
      expect(first.status).toBe(500);
      expect(crashed.done).toBe(true);

      // Once the outcome was recorded the work is done, and the retry is a plain duplicate.
      expect(await deliverOk(h.app, paid)).toBe(step === 'events.finish' ? 'duplicate' : 'processed');
      expect(await deliverOk(h.app, paid)).toBe('duplicate');

      const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
      expect(balance.body.balance).toBe(5000);
      const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
      expect(ledger.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([['grant', 5000]]);
    } finally {
      await h.close();
    }
  });
});

describe('when the service crashes after committing a debit but before copying it to the ledger', () => {
  it('then the retried debit returns the first answer and spends once', async () => {
    const uri = testMongoUri();
    const crashed = { done: true };
    const h = await startHarness({ uri, wrapStores: crashingAfter('ledger.insert', crashed) });
    h.clock.set(new Date('2026-03-10T12:00:00Z'));
    try {
      const customer = stripeId('cus');
      await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
      crashed.done = false;
      const body = { amount: 7, idempotencyKey: 'once' };
      await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body).expect(500);
      const retried = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body).expect(200);
      expect(retried.body.balance).toBe(4993);
      const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
      expect(ledger.body.entries.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
        ['debit', -7],
        ['grant', 5000],
      ]);
    } finally {
      await h.close();
    }
  });
});
