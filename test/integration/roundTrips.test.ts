import request from 'supertest';
import { FLUSH_AT, SWEEP_FLUSH_AT } from '../../src/store/accountStore';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { countCommands } from '../support/commandCounter';
import type { CommandCount } from '../support/commandCounter';
import { asAdmin, asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * The store's round-trip budget (src/store/README.md), counted as the server sees it: the driver's
 * command monitoring, every data command (find, aggregate, insert, update…) a request sends.
 */
let h: Harness;
let count: CommandCount;

const YEAR = { price: 'price_pro_y', periodStart: '2026-01-15T00:00:00Z', periodEnd: '2027-01-15T00:00:00Z' };

beforeEach(async () => {
  h = await startHarness({ monitorCommands: true });
  h.clock.set(new Date('2026-01-20T00:00:00Z'));
  count = countCommands(h.stores.connection);
});

afterEach(async () => {
  count.stop();
  await h.close();
});

async function annualSubscriber(): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), ...YEAR }));
  return customer;
}

function debit(customer: string, key: string) {
  return request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: key });
}

function hold(customer: string, key: string) {
  return request(h.app).post(`/v1/customers/${customer}/holds`).set(asApp).send({ amount: 5, idempotencyKey: key });
}

function described(): string {
  return count
    .commands()
    .map((c) => `${c.name} ${c.collection}`)
    .join(', ');
}

describe('round trips of each path', () => {
  it('when a debit comes with a new key, then it waits for at most 3 round trips, and the ledger copy costs 2 more every FLUSH_AT entries', async () => {
    const customer = await annualSubscriber();
    const waited: number[] = [];
    let copies = 0;
    for (let i = 0; i < 2 * FLUSH_AT; i++) {
      count.reset();
      await debit(customer, `new-${i}`).expect(201);
      await h.stores.idle();
      waited.push(count.waited());
      copies += count.total() - count.waited();
      if (count.waited() > 3) throw new Error(`debit ${i} waited for ${count.waited()} round trips: ${described()}`);
    }
    // One read and one conditional update; once entries were copied to the ledger, the key is also looked for there.
    expect(waited.slice(0, FLUSH_AT - 2)).toEqual(Array.from({ length: FLUSH_AT - 2 }, () => 2));
    expect(waited.at(-1)).toBe(3);
    expect(copies).toBe(2 * 2);
  });

  it('when 40 debits of one account arrive at once, then they share a few writes, and a key sent twice among them spends once', async () => {
    const customer = await annualSubscriber();
    await h.stores.idle();
    count.reset();
    const keys = [...Array.from({ length: 39 }, (_, i) => `burst-${i}`), 'burst-7'];
    const answers = await Promise.all(keys.map((key) => debit(customer, key)));
    await h.stores.idle();

    const writes = count.commands().filter((c) => c.name === 'update' && c.collection === 'accounts' && !c.copy);
    expect(writes.length).toBeLessThanOrEqual(10);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(39);
    const twice = answers.filter((a, i) => keys[i] === 'burst-7');
    expect(twice.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(twice[0]?.body).toEqual(twice[1]?.body);
    const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(balance.body.balance).toBe(5000 - 39);
  });

  it('when a debit key is repeated, then it costs 2 round trips, the answer comes from a majority-committed read, and nothing is written', async () => {
    const customer = await annualSubscriber();
    await debit(customer, 'again').expect(201);
    await h.stores.idle();
    count.reset();
    await debit(customer, 'again').expect(200);
    // The account as stored, then again as a majority has it: only that reading answers (SPEC §7).
    expect(count.commands()).toEqual([
      { name: 'find', collection: 'accounts', copy: false, majority: false },
      { name: 'find', collection: 'accounts', copy: false, majority: true },
    ]);
  });

  it('when a repeated key was copied to the ledger collection long ago, then it is still found within the budget, from majority-committed reads', async () => {
    const customer = await annualSubscriber();
    await debit(customer, 'old').expect(201);
    for (let i = 0; i < FLUSH_AT + 1; i++) await debit(customer, `later-${i}`).expect(201);
    await h.stores.idle();
    count.reset();
    await debit(customer, 'old').expect(200);
    expect(described()).toBe('find accounts, find ledger, find accounts, find ledger');
    expect(count.commands().map((c) => c.majority)).toEqual([false, false, true, true]);
  });

  it('when a hold is placed with a new key, then it costs what a debit costs (2 round trips, 3 once entries were copied); a repeated key at most 2 and no write', async () => {
    const customer = await annualSubscriber();
    count.reset();
    await hold(customer, 'job-1').expect(201);
    expect(count.waited()).toBe(2);
    for (let i = 0; i < FLUSH_AT; i++) await debit(customer, `fill-${i}`).expect(201);
    await h.stores.idle();
    count.reset();
    await hold(customer, 'job-2').expect(201);
    expect(count.waited()).toBeLessThanOrEqual(3);
    count.reset();
    await hold(customer, 'job-2').expect(200);
    expect(count.total()).toBeLessThanOrEqual(2);
    expect(count.writes()).toBe(0);
  });

  it('when a hold is captured or released, then it costs 2 round trips (the account, one conditional update); a retry at most 4, majority-committed, and no write, even once the hold left the account', async () => {
    const customer = await annualSubscriber();
    const captured = (await hold(customer, 'job-c').expect(201)).body.hold.id;
    const released = (await hold(customer, 'job-r').expect(201)).body.hold.id;
    await h.stores.idle();
    for (const [path, id] of [['capture', captured], ['release', released]] as const) {
      count.reset();
      await request(h.app).post(`/v1/customers/${customer}/holds/${id}/${path}`).set(asApp).send({}).expect(200);
      expect({ path, waited: count.waited() }).toEqual({ path, waited: 2 });
    }
    // The sweep compacts the settled holds away: a retry then finds the outcome by its ledger entries.
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    await h.stores.idle();
    for (const [path, id] of [['capture', captured], ['release', released]] as const) {
      count.reset();
      await request(h.app).post(`/v1/customers/${customer}/holds/${id}/${path}`).set(asApp).send({}).expect(200);
      expect({ path, total: count.total(), writes: count.writes() }).toEqual({ path, total: expect.any(Number), writes: 0 });
      // The account and the hold's entries, read again from majority-committed data before answering.
      expect(count.total()).toBeLessThanOrEqual(4);
      expect(count.commands().at(-1)?.majority).toBe(true);
    }
  });

  it('when invoice.paid renews an existing account, then it costs at most 4 round trips with the event record', async () => {
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_m', periodStart: '2026-01-15T00:00:00Z', periodEnd: '2026-02-15T00:00:00Z' }));
    h.clock.set(new Date('2026-02-15T00:00:01Z'));
    count.reset();
    await deliverOk(h.app, invoicePaid({ customer, subscription, price: 'price_pro_m', billingReason: 'subscription_cycle', periodStart: '2026-02-15T00:00:00Z', periodEnd: '2026-03-15T00:00:00Z' }));
    expect(count.total()).toBeLessThanOrEqual(4);
  });

  it('when the balance is read across a month boundary, then it costs one round trip and writes nothing', async () => {
    const customer = await annualSubscriber();
    h.clock.set(new Date('2026-03-20T00:00:00Z'));
    count.reset();
    const res = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(res.body.balance).toBe(5000);
    expect(count.total()).toBeLessThanOrEqual(2);
    expect(count.writes()).toBe(0);
  });

  it('when the customer opens the billing page, then the account is read once and nothing is written', async () => {
    const customer = await annualSubscriber();
    const minted = await request(h.app).post(`/v1/customers/${customer}/billing-sessions`).set(asApp).send({}).expect(201);
    await h.stores.idle();
    count.reset();
    await request(h.app).get(new URL(minted.body.url).pathname).expect(200);
    expect(count.commands().filter((c) => c.collection === 'accounts')).toEqual([{ name: 'find', collection: 'accounts', copy: false, majority: false }]);
    expect(count.writes()).toBe(0);
  });

  it('when the sweep turns a month over for many accounts, then it costs at most 3 round trips per account and far fewer per batch', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, () => annualSubscriber()));
    await Promise.all(customers.map((c, i) => debit(c, `spend-${i}`).expect(201)));
    await h.stores.idle();
    h.clock.set(new Date('2026-02-16T00:00:00Z'));
    count.reset();
    const res = await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    await h.stores.idle();
    expect(res.body).toEqual({ granted: 20, expired: 20, failed: 0 });
    expect(count.total()).toBeLessThanOrEqual(3 * customers.length);
    // The due ids (once per 5,000), then per batch: the accounts by id, one bulk of conditional updates.
    expect(described()).toBe('find accounts, find accounts, update accounts');
  });

  it('when the sweep writes accounts whose outboxes reach SWEEP_FLUSH_AT, then the batch copies them after its answer with one insert and one bulk of pulls', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, () => annualSubscriber()));
    // A grant, these debits, and the sweep's expiry and grant: SWEEP_FLUSH_AT entries.
    for (const [i, c] of customers.entries()) for (let k = 0; k < SWEEP_FLUSH_AT - 3; k++) await debit(c, `spend-${i}-${k}`).expect(201);
    await h.stores.idle();
    h.clock.set(new Date('2026-02-16T00:00:00Z'));
    count.reset();
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    await h.stores.idle();
    expect(count.waited()).toBe(3);
    expect(described()).toBe('find accounts, find accounts, update accounts, insert ledger, update accounts');
    const doc = await h.stores.connection.collection<{ _id: string; outbox: unknown[] }>('accounts').findOne({ _id: customers[0] ?? '' });
    expect(doc?.outbox).toEqual([]);
  });
});
