import mongoose from 'mongoose';
import request from 'supertest';
import type Stripe from 'stripe';
import { checkLedger } from '../../src/app/checkLedger';
import { FLUSH_AT, OUTBOX_LIMIT } from '../../src/store/accountStore';
import type { AccountDoc, LedgerDoc } from '../../src/store/models';
import {
  chargeObject,
  checkoutSessionObject,
  deliverOk,
  event,
  invoicePaid,
  stripeId,
  subscriptionEvent,
  topupMetadata,
} from '../fixtures/stripe';
import { asAdmin, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { captureLogs } from '../support/logCapture';

/**
 * The store on MongoDB's own guarantees (src/store/README.md): one document per account changed by
 * conditional updates, a ledger copied from the account's outbox, settled history in an archive.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterEach(() => h.close());

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const accounts = () => h.stores.connection.collection<AccountDoc>('accounts');
const ledgerCollection = () => h.stores.connection.collection<LedgerDoc>('ledger');

async function subscriber(app = h.app, price = 'price_pro_m'): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(app, invoicePaid({ customer, subscription: stripeId('sub'), price, ...MARCH }));
  return customer;
}

function debit(customer: string, key: string, amount = 1, app = h.app) {
  return request(app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount, idempotencyKey: key });
}

async function wholeLedger(customer: string): Promise<{ id: string; seq: number; type: string; amount: number; balanceAfter: number }[]> {
  const entries = [];
  let cursor: string | null = null;
  do {
    const page: request.Response = await request(h.app)
      .get(`/v1/customers/${customer}/ledger`)
      .query(cursor ? { limit: 9, cursor } : { limit: 9 })
      .set(asApp)
      .expect(200);
    entries.push(...page.body.entries);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries.map((e) => ({ ...e, seq: Number(String(e.id).split(':').at(-1)) }));
}

async function breaches(): Promise<string[]> {
  const found: string[] = [];
  for await (const check of checkLedger({ accounts: h.stores.accounts })) {
    found.push(...check.breaches.map((b) => `${check.customer} ${b.kind} ${b.detail}`));
  }
  return found;
}

describe('one document per account', () => {
  it('when a customer has no account, then a read answers 404 and creates nothing', async () => {
    const customer = stripeId('cus');
    await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(404);
    expect(await h.stores.accounts.read(customer)).toBeNull();
    expect(await accounts().countDocuments({ _id: customer })).toBe(0);
  });

  it('when a month begins, then a read shows its grant and leaves the stored document as it was', async () => {
    const customer = stripeId('cus');
    await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_y', periodStart: '2026-03-01T00:00:00Z', periodEnd: '2027-03-01T00:00:00Z' }));
    const before = await accounts().findOne({ _id: customer });
    h.clock.set(new Date('2026-04-02T00:00:00Z'));
    const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    const ledger = await wholeLedger(customer);

    expect(balance.body.balance).toBe(5000);
    expect(ledger.map((e) => e.type)).toEqual(['grant', 'expire', 'grant']);
    expect(await accounts().findOne({ _id: customer })).toEqual(before);
  });

  it('when 1,000 debits race on one account across two instances, then none overdraws and what was spent is exactly what was answered', async () => {
    const other = await startHarness({ uri: h.uri });
    try {
      other.clock.set(h.clock.now());
      const customer = await subscriber();
      await request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asAdmin).send({ amount: -4300, reason: 'leave 700', idempotencyKey: 'trim' }).expect(201);
      // As a client does: a 503 (answered at the deadline under this load, outcome unknown) is sent again with the same key.
      const settled = async (i: number): Promise<request.Response> => {
        for (;;) {
          const res = await debit(customer, `race-${i}`, 1 + (i % 3), i % 2 === 0 ? h.app : other.app);
          if (res.status !== 503) return res;
        }
      };
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => settled(i)));
      const statuses = new Set(results.map((r) => r.status));
      const spent = results.filter((r) => r.status === 201 || r.status === 200).reduce((sum, r) => sum + r.body.debit.amount, 0);

      expect([...statuses].filter((s) => s !== 200).sort()).toEqual([201, 402]);
      expect(spent).toBeLessThanOrEqual(700);
      expect(spent).toBeGreaterThan(700 - 3);
      expect(await balanceOf(h.app, customer)).toBe(700 - spent);
      const ledger = await wholeLedger(customer);
      expect(ledger.filter((e) => e.type === 'debit').reduce((sum, e) => sum - e.amount, 0)).toBe(spent);
      expect(ledger.every((e) => e.balanceAfter >= 0)).toBe(true);
      expect(await breaches()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('when the same events are delivered several times to two instances at once, then each is granted once', async () => {
    const other = await startHarness({ uri: h.uri });
    try {
      other.clock.set(h.clock.now());
      const customers = Array.from({ length: 30 }, () => stripeId('cus'));
      const events = customers.flatMap((customer) => {
        const subscription = stripeId('sub');
        const invoice = stripeId('in');
        return [
          invoicePaid({ id: invoice, customer, subscription, ...MARCH }),
          event('invoice.payment_succeeded', invoicePaid({ id: invoice, customer, subscription, ...MARCH }).data.object) satisfies Stripe.InvoicePaymentSucceededEvent,
          subscriptionEvent('customer.subscription.updated', { id: subscription, customer, price: 'price_pro_m', ...MARCH }),
        ];
      });
      const deliveries = events.flatMap((evt, i) => [0, 1, 2].map((copy) => ({ evt, app: (i + copy) % 2 === 0 ? h.app : other.app })));
      deliveries.sort(() => Math.random() - 0.5);
      const answered = await Promise.all(deliveries.map(({ evt, app }) => deliverOk(app, evt)));

      expect(answered.filter((a) => a !== 'processed' && a !== 'duplicate')).toEqual([]);
      for (const customer of customers) {
        const ledger = await wholeLedger(customer);
        expect(ledger.map((e) => [e.type, e.amount])).toEqual([['grant', 5000]]);
      }
      expect(await breaches()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('the ledger copied from the account', () => {
  it('when more than FLUSH_AT entries were made, then older ones are in the ledger collection and the API pages every entry once, in order', async () => {
    const customer = await subscriber();
    for (let i = 0; i < FLUSH_AT + 5; i++) await debit(customer, `d-${i}`).expect(201);
    await h.stores.idle();

    const doc = await accounts().findOne({ _id: customer });
    const copied = await ledgerCollection().countDocuments({ customer });
    const ledger = await wholeLedger(customer);

    expect(doc?.outbox.length).toBeLessThan(FLUSH_AT);
    expect(copied).toBeGreaterThanOrEqual(FLUSH_AT);
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: FLUSH_AT + 6 }, (_, i) => FLUSH_AT + 6 - i));
    expect(ledger.at(0)?.balanceAfter).toBe(5000 - FLUSH_AT - 5);
  });

  it('when a copy landed in the ledger collection but was not yet pulled from the account, then every read counts each entry once', async () => {
    const customer = await subscriber();
    for (let i = 0; i < FLUSH_AT + 3; i++) await debit(customer, `d-${i}`).expect(201);
    await h.stores.idle();
    // What a copy that crashed between its insert and its pull leaves: the outbox's entries in both places.
    const doc = await accounts().findOne({ _id: customer });
    const outbox = doc?.outbox ?? [];
    expect(outbox.length).toBeGreaterThan(0);
    await ledgerCollection().insertMany(outbox.map((e) => ({ ...e, _id: `${customer}:${e.seq}` })));

    const seqs = Array.from({ length: FLUSH_AT + 4 }, (_, i) => i + 1);
    expect((await wholeLedger(customer)).map((e) => e.seq)).toEqual([...seqs].reverse());
    expect((await (await h.stores.accounts.read(customer))?.ledger.all())?.map((e) => e.seq)).toEqual(seqs);
    expect(await breaches()).toEqual([]);
  });

  it('when a copy meets a different entry under the same id, then it fails loudly, keeps the entries, and once the outbox is full the write is refused', async () => {
    const logs = captureLogs();
    const loud = await startHarness({ uri: h.uri, logger: logs.logger });
    try {
      loud.clock.set(h.clock.now());
      const customer = await subscriber(loud.app);
      // A stray entry where the account's seq 2 will be copied: a second history the store must not paper over.
      await ledgerCollection().insertOne({ _id: `${customer}:2`, customer, seq: 2, type: 'debit', amount: -999, balanceAfter: 0, at: new Date(), bucket: null, ref: 'stray', opKey: 'debit:stray', allocations: [], requestHash: null, reason: null, metadata: null });
      for (let i = 0; i < FLUSH_AT; i++) await debit(customer, `d-${i}`, 1, loud.app).expect(201);
      await loud.stores.idle();

      const failures = logs.lines().filter((l) => l.msg === 'copying ledger entries failed; the account keeps them and the next write tries again');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toEqual(
        expect.objectContaining({ level: 50, customer, err: expect.objectContaining({ code: 'ledger_conflict', message: expect.stringContaining(`ledger entry ${customer}:2`) }) }),
      );
      expect((await accounts().findOne({ _id: customer }))?.outbox.map((e) => e.seq)).toEqual(Array.from({ length: FLUSH_AT + 1 }, (_, i) => i + 1));

      for (let i = FLUSH_AT; i < OUTBOX_LIMIT - 1; i++) await debit(customer, `d-${i}`, 1, loud.app).expect(201);
      const balanceBefore = await balanceOf(loud.app, customer);
      const refused = await debit(customer, 'next', 1, loud.app).expect(503);

      expect(refused.body.error.type).toBe('ledger_conflict');
      expect(await balanceOf(loud.app, customer)).toBe(balanceBefore);
    } finally {
      await loud.close();
    }
  });
});

describe('settled history leaves the account', () => {
  it('when a monthly plan has renewed for three years, then the account costs what a new one costs, and the whole history is still there', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const sizes: number[] = [];
    for (let month = 0; month < 36; month++) {
      const start = new Date(Date.UTC(2026, 2 + month, 1));
      const end = new Date(Date.UTC(2026, 3 + month, 1));
      h.clock.set(new Date(start.getTime() + 1000));
      await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
      await deliverOk(h.app, invoicePaid({ customer, subscription, billingReason: month === 0 ? 'subscription_create' : 'subscription_cycle', periodStart: start.toISOString(), periodEnd: end.toISOString() }));
      await debit(customer, `month-${month}`, 100).expect(201);
      const doc = await accounts().findOne({ _id: customer });
      sizes.push(mongoose.mongo.BSON.calculateObjectSize(doc ?? {}));
    }
    const doc = await accounts().findOne({ _id: customer });
    const ledger = await wholeLedger(customer);
    const history = await h.stores.accounts.archivedRecords(customer);

    expect(doc?.terms.length).toBeLessThanOrEqual(2);
    expect(doc?.buckets.length).toBeLessThanOrEqual(2);
    expect(Math.max(...sizes.slice(12))).toBeLessThan(1.5 * (sizes[2] ?? 0));
    expect(history.filter((r) => r.kind === 'term')).toHaveLength(34);
    expect(ledger.filter((e) => e.type === 'grant')).toHaveLength(36);
    expect(await balanceOf(h.app, customer)).toBe(4900);
    expect(await breaches()).toEqual([]);
  });

  it('when an archived term is paid again (a late duplicate), then nothing is granted', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const march = invoicePaid({ customer, subscription, ...MARCH });
    await deliverOk(h.app, march);
    h.clock.set(new Date('2026-04-01T00:00:01Z'));
    await deliverOk(h.app, invoicePaid({ customer, subscription, billingReason: 'subscription_cycle', periodStart: '2026-04-01T00:00:00Z', periodEnd: '2026-05-01T00:00:00Z' }));
    // The sweep at April's end moves the March term out (April's, the newest, stays for the balance view).
    h.clock.set(new Date('2026-05-01T00:00:00Z'));
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    expect((await h.stores.accounts.archivedRecords(customer)).map((r) => r.kind)).toEqual(['term']);

    // The same invoice told again by another event (invoice.payment_succeeded), weeks later.
    await deliverOk(h.app, event('invoice.payment_succeeded', march.data.object) satisfies Stripe.InvoicePaymentSucceededEvent);

    expect((await wholeLedger(customer)).map((e) => [e.type, e.amount]).reverse()).toEqual([
      ['grant', 5000],
      ['expire', -5000],
      ['grant', 5000],
      ['expire', -5000],
    ]);
  });

  it('when a spent top-up was archived, then a late copy of its checkout grants nothing and its refund is still recorded against it', async () => {
    const customer = await subscriber();
    const session = stripeId('cs_test');
    const paymentIntent = stripeId('pi');
    const completed = event(
      'checkout.session.completed',
      checkoutSessionObject({ id: session, customer, paymentIntent, metadata: topupMetadata('price_topup_1k') }),
    ) satisfies Stripe.CheckoutSessionCompletedEvent;
    await deliverOk(h.app, completed);
    await debit(customer, 'all-of-it', 6000).expect(201);
    h.clock.set(new Date('2026-04-01T00:00:01Z'));
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    expect((await h.stores.accounts.archivedRecords(customer)).map((r) => r.kind)).toContain('topup');

    await deliverOk(h.app, event('checkout.session.completed', completed.data.object) satisfies Stripe.CheckoutSessionCompletedEvent);
    const refund = event('charge.refunded', chargeObject({ customer, paymentIntent, amount: 2000, amountRefunded: 2000 })) satisfies Stripe.ChargeRefundedEvent;
    await deliverOk(h.app, refund);

    expect((await wholeLedger(customer)).filter((e) => e.type === 'grant')).toHaveLength(2);
    const { state } = await h.service.accounts.view(customer, h.clock.now());
    expect(state.topups).toEqual([expect.objectContaining({ session, refundClaimed: 1000, refundShortfall: 1000 })]);
    expect(await breaches()).toEqual([]);
  });
});

describe('the sweep', () => {
  it('when one due account cannot be brought up to date, then the others are, and it stays due for the next run', async () => {
    const customers = await Promise.all([subscriber(), subscriber(), subscriber()]);
    const broken = customers[1] ?? '';
    // Not a list of terms: what a hand edit or a bug could leave behind.
    await h.stores.connection.collection<{ _id: string }>('accounts').updateOne({ _id: broken }, { $set: { terms: 'not a list of terms' } });
    h.clock.set(new Date('2026-04-01T00:00:01Z'));

    const first = await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    const second = await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);

    expect(first.body).toEqual({ granted: 0, expired: 2, failed: 1 });
    expect(second.body).toEqual({ granted: 0, expired: 0, failed: 1 });
    expect((await accounts().findOne({ _id: broken }))?.nextDueAt).toEqual(new Date('2026-04-01T00:00:00Z'));
  });
});
