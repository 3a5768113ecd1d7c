import request from 'supertest';
import type Stripe from 'stripe';
import { testMongoUri } from '../setup/peers';
import { asAdmin, asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { sampleOf, scrape } from '../support/metricsText';
import { hookCollections } from '../support/collectionHooks';
import {
  chargeObject,
  checkoutSessionObject,
  deliver,
  deliverOk,
  event,
  invoicePaid,
  stripeId,
  topupMetadata,
} from '../fixtures/stripe';

const NOW = new Date('2026-03-10T12:00:00Z');
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

const opened: Harness[] = [];
async function service(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  opened.push(h);
  h.clock.set(NOW);
  return h;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((h) => h.close()));
});

async function subscriber(h: Harness): Promise<string> {
  const customer = stripeId('cus');
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }));
  return customer;
}

function debit(h: Harness, customer: string, body: { amount: number; idempotencyKey: string }): request.Test {
  return request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(body);
}

/** Once armed, the first write to an account first lets `rival` write the same account (a lost race). */
function losingFirstRace(rival: { run: (() => Promise<void>) | null }) {
  return hookCollections((call) => {
    if (call.collection !== 'accounts' || !['updateOne', 'insertOne'].includes(call.method) || !rival.run) return call.proceed();
    const before = rival.run;
    rival.run = null;
    return before().then(() => call.proceed());
  });
}

describe('GET /metrics', () => {
  it('answers Prometheus text without a key, and each composed service counts only its own work', async () => {
    const one = await service();
    const other = await service();
    await subscriber(one);

    const text = await scrape(one.app);
    expect(text).toContain('# TYPE credits_stripe_events_total counter');
    expect(text).toContain('# TYPE credits_webhook_duration_seconds histogram');
    expect(sampleOf(text, 'credits_stripe_events_total', { type: 'invoice.paid', outcome: 'processed' })).toBe(1);
    expect(sampleOf(await scrape(other.app), 'credits_stripe_events_total', { type: 'invoice.paid', outcome: 'processed' })).toBe(0);
  });
});

describe('Stripe event metrics', () => {
  it('when invoice.paid arrives 3 times at once, with an ignored, a parked and a forged event, then events count by type and outcome and the grant counts once', async () => {
    const h = await service();
    const paid = invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH });
    await Promise.all([deliverOk(h.app, paid), deliverOk(h.app, paid), deliverOk(h.app, paid)]);
    const ignored = event('charge.succeeded', chargeObject({ customer: stripeId('cus'), paymentIntent: stripeId('pi'), amount: 500 })) satisfies Stripe.ChargeSucceededEvent;
    expect(await deliverOk(h.app, ignored)).toBe('ignored');
    const notSold = invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), price: 'price_not_sold_here', ...MARCH });
    expect(await deliverOk(h.app, notSold)).toBe('parked');
    await deliver(h.app, paid, { secret: 'whsec_forged' }).expect(400);

    const text = await scrape(h.app);
    const paidAs = (outcome: string) => sampleOf(text, 'credits_stripe_events_total', { type: 'invoice.paid', outcome });
    expect(paidAs('processed') + paidAs('duplicate')).toBe(3);
    expect(paidAs('processed')).toBeGreaterThanOrEqual(1);
    expect(paidAs('parked')).toBe(1);
    expect(sampleOf(text, 'credits_stripe_events_total', { type: 'charge.succeeded', outcome: 'ignored' })).toBe(1);
    expect(sampleOf(text, 'credits_granted_total', { source: 'subscription' })).toBe(5000);

    const answered = (outcome: string) => sampleOf(text, 'credits_webhook_duration_seconds_count', { outcome });
    expect(answered('processed') + answered('duplicate')).toBe(3);
    expect(answered('rejected')).toBe(1);
    expect(sampleOf(text, 'credits_webhook_duration_seconds_bucket', { outcome: 'rejected', le: '+Inf' })).toBe(1);
  });

  it('when applying a verified event fails (MongoDB down), then it counts as failed', async () => {
    const h = await service();
    await h.close();
    const paid = invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH });
    await deliver(h.app, paid).expect(500);

    const text = await scrape(h.app);
    expect(sampleOf(text, 'credits_stripe_events_total', { type: 'invoice.paid', outcome: 'failed' })).toBe(1);
    expect(sampleOf(text, 'credits_webhook_duration_seconds_count', { outcome: 'failed' })).toBe(1);
  });
});

describe('credit and debit metrics', () => {
  it('when debits are created, replayed, refused for funds, reuse a key or name nobody, then each outcome is counted and only created debits move credits', async () => {
    const h = await service();
    const customer = await subscriber(h);
    await Promise.all(Array.from({ length: 8 }, (_, i) => debit(h, customer, { amount: 7, idempotencyKey: `d-${i}` }).expect(201)));
    await debit(h, customer, { amount: 7, idempotencyKey: 'd-0' }).expect(200);
    await debit(h, customer, { amount: 8, idempotencyKey: 'd-0' }).expect(409);
    await debit(h, customer, { amount: 1_000_000, idempotencyKey: 'too-much' }).expect(402);
    await debit(h, stripeId('cus'), { amount: 1, idempotencyKey: 'nobody' }).expect(404);

    const text = await scrape(h.app);
    const requests = (outcome: string) => sampleOf(text, 'credits_debit_requests_total', { outcome });
    expect([requests('created'), requests('replayed'), requests('conflict'), requests('insufficient'), requests('not_found')]).toEqual([8, 1, 1, 1, 1]);
    expect(requests('failed')).toBe(0);
    expect(sampleOf(text, 'credits_debited_total', { via: 'debit' })).toBe(56);
  });

  it('when a commit loses the race to another instance and is decided again, then its credits are counted once, by the instance that committed them', async () => {
    const uri = testMongoUri();
    const rival: { run: (() => Promise<void>) | null } = { run: null };
    const h = await service({ uri, wrapCollection: losingFirstRace(rival) });
    const other = await service({ uri });
    const customer = await subscriber(h);
    rival.run = async () => {
      await debit(other, customer, { amount: 100, idempotencyKey: 'rival' }).expect(201);
    };

    const res = await debit(h, customer, { amount: 30, idempotencyKey: 'mine' }).expect(201);
    expect(res.body.balance).toBe(5000 - 100 - 30);
    expect(rival.run).toBeNull();

    expect(sampleOf(await scrape(h.app), 'credits_debited_total', { via: 'debit' })).toBe(30);
    expect(sampleOf(await scrape(other.app), 'credits_debited_total', { via: 'debit' })).toBe(100);
  });

  it('when a top-up is bought and half refunded and an admin adjusts by hand, then grants, revocations and debits by adjustment match the ledger', async () => {
    const h = await service();
    const customer = stripeId('cus');
    const paymentIntent = stripeId('pi');
    const session = checkoutSessionObject({ customer, paymentIntent, metadata: topupMetadata('price_topup_1k') });
    await deliverOk(h.app, event('checkout.session.completed', session) satisfies Stripe.CheckoutSessionCompletedEvent);
    const charge = chargeObject({ customer, paymentIntent, amount: 2000, amountRefunded: 1000 });
    await deliverOk(h.app, event('charge.refunded', charge) satisfies Stripe.ChargeRefundedEvent);
    const adjust = (amount: number, idempotencyKey: string) =>
      request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asAdmin).send({ amount, reason: 'support', idempotencyKey }).expect(201);
    await adjust(250, 'goodwill');
    await adjust(-40, 'correction');

    const ledger = await request(h.app).get(`/v1/customers/${customer}/ledger`).set(asApp).expect(200);
    const sumOf = (type: string) =>
      ledger.body.entries.filter((e: { type: string }) => e.type === type).reduce((sum: number, e: { amount: number }) => sum + e.amount, 0);
    const text = await scrape(h.app);
    expect(sampleOf(text, 'credits_granted_total', { source: 'topup' })).toBe(1000);
    expect(sampleOf(text, 'credits_revoked_total', { cause: 'refund' })).toBe(-sumOf('revoke'));
    expect(sampleOf(text, 'credits_revoked_total', { cause: 'refund' })).toBe(500);
    expect(sampleOf(text, 'credits_granted_total', { source: 'adjustment' })).toBe(250);
    expect(sampleOf(text, 'credits_debited_total', { via: 'adjustment' })).toBe(40);
  });
});

describe('sweep metrics', () => {
  it('when the sweep expires a finished month, then the run, its duration, the forfeited credits and the lag since its asOf are reported', async () => {
    const h = await service();
    const customer = await subscriber(h);
    await debit(h, customer, { amount: 1000, idempotencyKey: 'spend' }).expect(201);
    const sweptAt = new Date('2026-04-02T00:00:00Z');
    h.clock.set(sweptAt);
    const swept = await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    expect(swept.body.expired).toBe(1);
    h.clock.set(new Date(sweptAt.getTime() + 90_000));

    const text = await scrape(h.app);
    expect(sampleOf(text, 'credits_sweep_runs_total', { result: 'ok' })).toBe(1);
    expect(sampleOf(text, 'credits_sweep_runs_total', { result: 'failed' })).toBe(0);
    expect(sampleOf(text, 'credits_sweep_duration_seconds_count')).toBe(1);
    expect(sampleOf(text, 'credits_expired_total', { source: 'subscription' })).toBe(4000);
    expect(sampleOf(text, 'credits_sweep_last_success_timestamp_seconds')).toBe(sweptAt.getTime() / 1000);
    expect(sampleOf(text, 'credits_sweep_lag_seconds')).toBe(90);
  });

  it('when a sweep fails, then it counts as failed and the lag keeps growing from the last success', async () => {
    const failing = { now: false };
    const h = await service({
      wrapCollection: hookCollections((call) => {
        if (failing.now && call.collection === 'accounts' && call.method === 'find') throw new Error('simulated MongoDB failure');
        return call.proceed();
      }),
    });
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
    failing.now = true;
    h.clock.set(new Date(NOW.getTime() + 600_000));
    await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(500);

    const text = await scrape(h.app);
    expect(sampleOf(text, 'credits_sweep_runs_total', { result: 'ok' })).toBe(1);
    expect(sampleOf(text, 'credits_sweep_runs_total', { result: 'failed' })).toBe(1);
    expect(sampleOf(text, 'credits_sweep_lag_seconds')).toBe(600);
  });
});
