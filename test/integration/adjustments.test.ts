import request from 'supertest';
import { asAdmin, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.clock.set(new Date('2026-03-10T12:00:00Z')));

/** A pro monthly subscriber: 5000 credits in the March slot. */
async function subscriber(): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_m', periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
  return customer;
}

function adjustment(customer: string, body: object): request.Test {
  return request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asAdmin).send(body);
}

async function ledgerOf(customer: string): Promise<Array<{ type: string; amount: number }>> {
  const res = await request(h.app).get(`/v1/customers/${customer}/ledger`).query({ limit: 200 }).set(asApp).expect(200);
  return res.body.entries;
}

describe('POST /v1/admin/customers/:customer/adjustments', () => {
  it('when an admin grants credits, then a bucket of source adjustment appears and an adjust entry records it', async () => {
    const customer = await subscriber();
    const res = await adjustment(customer, { amount: 300, reason: 'goodwill: outage on Mar 9', idempotencyKey: 'grant-1', expiresAt: '2026-06-01T00:00:00Z' }).expect(201);
    expect(res.body).toEqual({
      entry: { id: `${customer}:2`, type: 'adjust', amount: 300, balanceAfter: 5300, at: '2026-03-10T12:00:00.000Z', bucket: 'adjust:grant-1', ref: 'grant-1' },
      balance: 5300,
    });
    const balance = await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
    expect(balance.body.balance).toBe(5300);
    expect(balance.body.buckets).toContainEqual({
      id: 'adjust:grant-1',
      source: 'adjustment',
      granted: 300,
      remaining: 300,
      grantedAt: '2026-03-10T12:00:00.000Z',
      expiresAt: '2026-06-01T00:00:00.000Z',
    });
  });

  it('when an admin takes credits within the balance, then they come out in spending order and the ledger shows a negative adjust', async () => {
    const customer = await subscriber();
    const res = await adjustment(customer, { amount: -1200, reason: 'credits granted twice by mistake', idempotencyKey: 'take-1' }).expect(201);
    expect(res.body.entry).toMatchObject({ type: 'adjust', amount: -1200, balanceAfter: 3800, ref: 'take-1' });
    // The customer's only bucket is the March slot, so it is the one the credits came from.
    expect(res.body.entry.bucket).toMatch(/^slot:sub_\w+:2026-03-01T00:00:00.000Z$/);
    expect(res.body.balance).toBe(3800);
    expect(await balanceOf(h.app, customer)).toBe(3800);
    expect((await ledgerOf(customer))[0]).toMatchObject({ type: 'adjust', amount: -1200 });
  });

  it('when an admin takes more than the balance, then 402 insufficient_credits and nothing changes', async () => {
    const customer = await subscriber();
    const res = await adjustment(customer, { amount: -5001, reason: 'too much', idempotencyKey: 'take-too-much' }).expect(402);
    expect(res.body.error.type).toBe('insufficient_credits');
    expect(await balanceOf(h.app, customer)).toBe(5000);
    expect(await ledgerOf(customer)).toHaveLength(1);
    // The refused key was not used up: the same key with an amount that fits goes through.
    await adjustment(customer, { amount: -5000, reason: 'too much', idempotencyKey: 'take-too-much' }).expect(201);
    expect(await balanceOf(h.app, customer)).toBe(0);
  });

  it('when the same adjustment is sent again, then 200 with the first body and the credits move once', async () => {
    const customer = await subscriber();
    const body = { amount: 50, reason: 'retry me', idempotencyKey: 'same-twice' };
    const first = await adjustment(customer, body).expect(201);
    await adjustment(customer, { amount: -20, reason: 'in between', idempotencyKey: 'other' }).expect(201);
    h.clock.set(new Date('2026-03-11T08:00:00Z'));
    const again = await adjustment(customer, body).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(h.app, customer)).toBe(5030);
  });

  it('when a key is reused for a different adjustment, then 409 idempotency_key_reused and nothing changes', async () => {
    const customer = await subscriber();
    await adjustment(customer, { amount: 50, reason: 'first', idempotencyKey: 'reused' }).expect(201);
    for (const other of [
      { amount: 51, reason: 'first', idempotencyKey: 'reused' },
      { amount: 50, reason: 'second', idempotencyKey: 'reused' },
      { amount: -50, reason: 'first', idempotencyKey: 'reused' },
      { amount: 50, reason: 'first', idempotencyKey: 'reused', expiresAt: '2026-05-01T00:00:00Z' },
    ]) {
      const res = await adjustment(customer, other).expect(409);
      expect(res.body.error.type).toBe('idempotency_key_reused');
    }
    expect(await balanceOf(h.app, customer)).toBe(5050);
  });

  it('when a Stripe customer has no account yet, then a positive adjustment opens one, and a negative one is 404', async () => {
    const stranger = stripeId('cus');
    const refused = await adjustment(stranger, { amount: -1, reason: 'nothing to take', idempotencyKey: 'neg' }).expect(404);
    expect(refused.body.error.type).toBe('customer_not_found');
    await adjustment(stranger, { amount: 100, reason: 'welcome gift', idempotencyKey: 'gift' }).expect(201);
    expect(await balanceOf(h.app, stranger)).toBe(100);

    const notStripe = await adjustment('user_42', { amount: 100, reason: 'gift', idempotencyKey: 'gift' }).expect(404);
    expect(notStripe.body.error.type).toBe('customer_not_found');
  });

  it.each([
    ['amount is zero', 'amount', { amount: 0, reason: 'r', idempotencyKey: 'k' }],
    ['amount is not whole', 'amount', { amount: 1.5, reason: 'r', idempotencyKey: 'k' }],
    ['amount is a string', 'amount', { amount: '10', reason: 'r', idempotencyKey: 'k' }],
    ['reason is missing', 'reason', { amount: 10, idempotencyKey: 'k' }],
    ['reason is empty', 'reason', { amount: 10, reason: '', idempotencyKey: 'k' }],
    ['reason is too long', 'reason', { amount: 10, reason: 'x'.repeat(256), idempotencyKey: 'k' }],
    ['idempotencyKey is missing', 'idempotencyKey', { amount: 10, reason: 'r' }],
    ['idempotencyKey is too long', 'idempotencyKey', { amount: 10, reason: 'r', idempotencyKey: 'k'.repeat(256) }],
    ['expiresAt is not a time', 'expiresAt', { amount: 10, reason: 'r', idempotencyKey: 'k', expiresAt: 'next week' }],
    ['expiresAt has passed', 'expiresAt', { amount: 10, reason: 'r', idempotencyKey: 'k', expiresAt: '2026-03-01T00:00:00Z' }],
    ['a negative amount has an expiry', 'expiresAt', { amount: -10, reason: 'r', idempotencyKey: 'k', expiresAt: '2026-05-01T00:00:00Z' }],
    ['an unknown field is sent', 'metadata', { amount: 10, reason: 'r', idempotencyKey: 'k', metadata: {} }],
  ])('when %s, then 400 invalid_request names %s', async (_case, field, body) => {
    const customer = await subscriber();
    const res = await adjustment(customer, body).expect(400);
    expect(res.body.error.type).toBe('invalid_request');
    expect(res.body.error.message).toContain(field);
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });

  it('when the app key is used, then 403 and nothing changes', async () => {
    const customer = await subscriber();
    const res = await request(h.app)
      .post(`/v1/admin/customers/${customer}/adjustments`)
      .set(asApp)
      .send({ amount: 1000, reason: 'self-service', idempotencyKey: 'app' })
      .expect(403);
    expect(res.body.error.type).toBe('forbidden');
    await request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).send({ amount: 1000, reason: 'anon', idempotencyKey: 'anon' }).expect(401);
    expect(await balanceOf(h.app, customer)).toBe(5000);
  });
});
