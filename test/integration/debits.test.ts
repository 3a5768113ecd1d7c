import request from 'supertest';
import { ADMIN_KEY, asAdmin, asApp, balanceOf, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';
import { deliverOk, event, invoicePaid, stripeId } from '../fixtures/stripe';
import { checkoutSessionObject } from '../fixtures/stripe';
import type Stripe from 'stripe';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    catalog: {
      ...testCatalog,
      plans: [...testCatalog.plans, { id: 'tiny', monthlyCredits: 50, trialCredits: 0, prices: [{ price: 'price_tiny_m', months: 1 }] }],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => h.clock.set(new Date('2026-03-10T12:00:00Z')));

async function customerWith(price: string): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), price, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
  return customer;
}

type Entry = { type: string; amount: number; balanceAfter: number; id: string };

async function wholeLedger(customer: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const page: request.Response = await request(h.app)
      .get(`/v1/customers/${customer}/ledger`)
      .query(cursor ? { limit: 7, cursor } : { limit: 7 })
      .set(asApp)
      .expect(200);
    entries.push(...page.body.entries);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

describe('POST /v1/customers/:customer/debits', () => {
  it('when 200 debits of 1 race against a balance of 50, then exactly 50 succeed, the balance is 0 and the ledger sums', async () => {
    const customer = await customerWith('price_tiny_m');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: `race-${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 402)).toHaveLength(150);
    expect(await balanceOf(h.app, customer)).toBe(0);

    const ledger = await wholeLedger(customer);
    expect(ledger).toHaveLength(51);
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    expect(new Set(ledger.map((e) => e.id)).size).toBe(51);
    // Newest first, and each balanceAfter is the running sum.
    const oldestFirst = [...ledger].reverse();
    let running = 0;
    for (const entry of oldestFirst) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
    }
  });

  it('when debits race on two instances sharing one database, then none is lost and none overdraws', async () => {
    const other = await startHarness({ uri: h.uri, catalog: { ...testCatalog, plans: [...testCatalog.plans, { id: 'tiny', monthlyCredits: 50, trialCredits: 0, prices: [{ price: 'price_tiny_m', months: 1 }] }] } });
    try {
      other.clock.set(new Date('2026-03-10T12:00:00Z'));
      const customer = await customerWith('price_tiny_m');
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          request(i % 2 === 0 ? h.app : other.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: `two-${i}` }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(50);
      expect(results.filter((r) => r.status !== 201 && r.status !== 402)).toHaveLength(0);
      const ledger = await wholeLedger(customer);
      expect(ledger.filter((e) => e.type === 'debit')).toHaveLength(50);
      expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
      expect(await balanceOf(other.app, customer)).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('when a debit is retried with the same key, then it answers 200 with the same body and spends once', async () => {
    const customer = await customerWith('price_pro_m');
    const body = { amount: 30, idempotencyKey: 'render-42', reason: 'video render', metadata: { job: '42' } };
    const first = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body).expect(201);
    expect(first.body).toMatchObject({ debit: { amount: 30, allocations: [{ amount: 30 }] }, balance: 4970 });
    const again = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(h.app, customer)).toBe(4970);
  });

  it('when the same key comes with another amount, then it answers 409 and spends nothing more', async () => {
    const customer = await customerWith('price_pro_m');
    await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 30, idempotencyKey: 'k1' }).expect(201);
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 31, idempotencyKey: 'k1' }).expect(409);
    expect(res.body.error.type).toBe('idempotency_key_reused');
    expect(await balanceOf(h.app, customer)).toBe(4970);
  });

  it('when more is asked than the balance holds, then it answers 402 and takes nothing', async () => {
    const customer = await customerWith('price_tiny_m');
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 51, idempotencyKey: 'big' }).expect(402);
    expect(res.body.error.type).toBe('insufficient_credits');
    expect(await balanceOf(h.app, customer)).toBe(50);
  });

  it('when the slot ends, then its credits are not spendable at that very instant', async () => {
    const customer = await customerWith('price_tiny_m');
    h.clock.set(new Date('2026-03-31T23:59:59.999Z'));
    await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: 'last-ms' }).expect(201);
    h.clock.set(new Date('2026-04-01T00:00:00.000Z'));
    await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 1, idempotencyKey: 'at-end' }).expect(402);
    expect(await balanceOf(h.app, customer)).toBe(0);
    const ledger = await wholeLedger(customer);
    expect(ledger[0]).toMatchObject({ type: 'expire', amount: -49, balanceAfter: 0 });
  });

  it.each([
    [{ amount: 0, idempotencyKey: 'k' }, 'amount'],
    [{ amount: 1.5, idempotencyKey: 'k' }, 'amount'],
    [{ amount: '3', idempotencyKey: 'k' }, 'amount'],
    [{ amount: 3 }, 'idempotencyKey'],
    [{ amount: 3, idempotencyKey: '' }, 'idempotencyKey'],
    [{ amount: 3, idempotencyKey: 'x'.repeat(256) }, 'idempotencyKey'],
    [{ amount: 3, idempotencyKey: 'k', surprise: true }, 'surprise'],
  ])('when the body is %j, then it answers 400 naming %s and changes nothing', async (body, field) => {
    const customer = await customerWith('price_tiny_m');
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body).expect(400);
    expect(res.body.error.type).toBe('invalid_request');
    expect(res.body.error.message).toContain(field);
    expect(await balanceOf(h.app, customer)).toBe(50);
  });

  it('when the customer has no account, then it answers 404 customer_not_found', async () => {
    const res = await request(h.app).post(`/v1/customers/cus_nobody/debits`).set(asApp).send({ amount: 1, idempotencyKey: 'k' }).expect(404);
    expect(res.body.error.type).toBe('customer_not_found');
  });
});

describe('metadata keys that JSON.parse treats as ordinary keys', () => {
  it.each([
    ['a debit', (customer: string) => `/v1/customers/${customer}/debits`],
    ['a hold', (customer: string) => `/v1/customers/${customer}/holds`],
  ])('when %s’s metadata has a __proto__ key, then 400 names it and nothing is taken', async (_case, pathOf) => {
    const customer = await customerWith('price_pro_m');
    // As raw text: an object literal with __proto__ would set a prototype, not send a key.
    const body = `{"amount":5,"idempotencyKey":"${stripeId('key')}","metadata":{"job":"render","__proto__":{"isAdmin":"true"}}}`;

    const res = await request(h.app).post(pathOf(customer)).set(asApp).set('Content-Type', 'application/json').send(body).expect(400);

    expect(res.body.error).toEqual({ type: 'invalid_request', message: 'metadata.__proto__: is not allowed as a metadata key', field: 'metadata.__proto__' });
    expect(await balanceOf(h.app, customer)).toBe(5000);
    expect(await wholeLedger(customer)).toHaveLength(1);
  });

  it('when metadata has keys named like Object’s own (constructor, toString), then they are kept as given', async () => {
    const customer = await customerWith('price_pro_m');
    const res = await request(h.app)
      .post(`/v1/customers/${customer}/debits`)
      .set(asApp)
      .set('Content-Type', 'application/json')
      .send(`{"amount":5,"idempotencyKey":"${stripeId('key')}","metadata":{"constructor":"a","toString":"b"}}`)
      .expect(201);
    expect(res.body.debit.amount).toBe(5);
  });
});

describe('API keys', () => {
  it('when no key or an unknown key is sent, then 401; an app key on an admin route, then 403; an admin key works on /v1', async () => {
    await request(h.app).get('/v1/customers/cus_x/balance').expect(401);
    await request(h.app).get('/v1/customers/cus_x/balance').set('Authorization', 'Bearer nope').expect(401);
    await request(h.app).post('/v1/admin/run-due').set(asApp).send({}).expect(403);
    await request(h.app).get('/v1/customers/cus_x/balance').set('Authorization', `Bearer ${ADMIN_KEY}`).expect(404);
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
  });
});

describe('GET /v1/customers?externalId=', () => {
  it('when a checkout linked an app user, then the customer is found by that id', async () => {
    const customer = await customerWith('price_pro_m');
    const session = checkoutSessionObject({ customer, mode: 'subscription', clientReferenceId: 'user-77', paymentIntent: null });
    await deliverOk(h.app, event('checkout.session.completed', session) satisfies Stripe.CheckoutSessionCompletedEvent);
    const res = await request(h.app).get('/v1/customers').query({ externalId: 'user-77' }).set(asApp).expect(200);
    expect(res.body).toEqual({ customer, externalId: 'user-77' });
    await request(h.app).get('/v1/customers').query({ externalId: 'user-unknown' }).set(asApp).expect(404);
    await request(h.app).get('/v1/customers').set(asApp).expect(400);
  });
});

describe('GET /v1/customers/:customer/ledger', () => {
  it('when the limit is out of range or the cursor is garbage, then 400 names the parameter', async () => {
    const customer = await customerWith('price_pro_m');
    const tooMany = await request(h.app).get(`/v1/customers/${customer}/ledger`).query({ limit: 201 }).set(asApp).expect(400);
    expect(tooMany.body.error.message).toContain('limit');
    const garbage = await request(h.app).get(`/v1/customers/${customer}/ledger`).query({ cursor: '!!' }).set(asApp).expect(400);
    expect(garbage.body.error.message).toContain('cursor');
  });
});
