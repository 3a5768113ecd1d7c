import request from 'supertest';
import { ADMIN_KEY, APP_KEY, OLD_WEBHOOK_SECRET, WEBHOOK_SECRET, asAdmin, asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { captureLogs } from '../support/logCapture';
import type { CapturedLogs } from '../support/logCapture';
import { startFakeStripeServer, stripeErrorBody } from '../support/fakeStripeServer';
import type { FakeStripeServer } from '../support/fakeStripeServer';
import { deliver, invoicePaid, signedDelivery, stripeId, unix } from '../fixtures/stripe';

/** A key distinctive enough that finding it anywhere in the logs can only mean it leaked. */
const STRIPE_SECRET_KEY = 'sk_test_51LogCheckKeepThisOutOfLogs9x';
const WRONG_KEY = 'sk_live_wrong_key_someone_pasted_4242';
const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const urls = { successUrl: 'https://app.example/done', cancelUrl: 'https://app.example/cancel' };

type Line = Record<string, unknown>;

let logs: CapturedLogs;
let h: Harness;
let failingStripe: Harness;
let fake: FakeStripeServer;
/** Every Stripe-Signature header sent, valid or not: none may reach the logs. */
const signatures: string[] = [];
const customer = stripeId('cus');
const paid = invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH });

function webhook(app: Harness['app'], body: string, signature: string, requestId?: string): request.Test {
  signatures.push(signature);
  const req = request(app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature);
  return (requestId ? req.set('X-Request-Id', requestId) : req).send(body);
}

function accessLine(requestId: string): Line {
  const line = logs.lines().find((l) => l['msg'] === 'request' && l['requestId'] === requestId);
  if (!line) throw new Error(`no access line for request ${requestId}`);
  return line;
}

/** A full run of the service: webhooks good and bad, debits, auth failures, admin routes, Stripe calls and failures. */
beforeAll(async () => {
  logs = captureLogs();
  fake = await startFakeStripeServer();
  h = await startHarness({ logger: logs.logger, env: { STRIPE_SECRET_KEY } });
  failingStripe = await startHarness({ logger: logs.logger, env: { STRIPE_SECRET_KEY, STRIPE_API_URL: fake.url } });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));

  const good = signedDelivery(paid);
  await webhook(h.app, good.body, good.signature, 'req-webhook-1').expect(200);
  await webhook(h.app, good.body, good.signature, 'req-webhook-dup').expect(200);
  const rotated = signedDelivery(invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH }), { secret: OLD_WEBHOOK_SECRET });
  await webhook(h.app, rotated.body, rotated.signature).expect(200);
  const forged = signedDelivery(paid, { secret: 'whsec_forged_by_someone' });
  await webhook(h.app, forged.body, forged.signature, 'req-forged').expect(400);
  const stale = signedDelivery(paid, { timestamp: unix('2020-01-01T00:00:00Z') });
  await webhook(h.app, stale.body, stale.signature).expect(400);
  await request(h.app).post('/webhooks/stripe').send('{}').expect(400);

  await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).set('X-Request-Id', 'req-debit-1').send({ amount: 10, idempotencyKey: 'k1' }).expect(201);
  await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send({ amount: 10_000_000, idempotencyKey: 'k2' }).expect(402);
  await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
  await request(h.app).get('/v1/customers').query({ externalId: 'user-42', token: 'query-token-secret-123' }).set(asApp).expect(404);

  await request(h.app).get(`/v1/customers/${customer}/balance`).set('Authorization', `Bearer ${WRONG_KEY}`).expect(401);
  await request(h.app).get(`/v1/customers/${customer}/balance`).expect(401);
  await request(h.app).post('/v1/admin/run-due').set(asApp).send({}).expect(403);
  await request(h.app).post('/v1/admin/run-due').set('Authorization', `Bearer ${WEBHOOK_SECRET}`).send({}).expect(401);

  await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);
  await request(h.app).get('/v1/admin/clock').set(asAdmin).expect(200);
  await request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asAdmin).send({ amount: 5, reason: 'goodwill', idempotencyKey: 'adj-1' }).expect(201);

  await request(h.app).post('/v1/checkout/subscription').set(asApp).send({ price: 'price_pro_m', ...urls }).expect(200);
  await request(h.app).post(`/v1/customers/${customer}/portal`).set(asApp).send({ returnUrl: 'https://app.example' }).expect(200);
  // The worst case: Stripe's answer quotes the key in full.
  fake.answer(() => ({ status: 401, body: stripeErrorBody('authentication_error', `Invalid API Key provided: ${STRIPE_SECRET_KEY}`) }));
  await request(failingStripe.app).post(`/v1/customers/${customer}/portal`).set(asApp).set('X-Request-Id', 'req-stripe-down').send({ returnUrl: 'https://app.example' }).expect(502);

  await request(h.app).get('/healthz').set('X-Request-Id', 'not a sane id; drop table').expect(200);
  await request(h.app).get('/metrics').expect(200);
});

afterAll(async () => {
  await Promise.all([h.close(), failingStripe.close(), fake.close()]);
});

describe('logs of a full run', () => {
  it('contain no webhook secret, API key, Stripe secret key or Stripe-Signature', () => {
    const text = logs.text();
    expect(logs.lines().length).toBeGreaterThan(20);
    for (const secret of [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET, APP_KEY, ADMIN_KEY, STRIPE_SECRET_KEY, WRONG_KEY]) {
      expect(text).not.toContain(secret);
    }
    for (const signature of signatures) {
      expect(text).not.toContain(signature);
      expect(text).not.toContain(signature.split(',')[1]);
    }
    expect(text).not.toMatch(/bearer/i);
  });

  it('give every request one access line with its request id, method, path without the query, status and duration', () => {
    const access = logs.lines().filter((l) => l['msg'] === 'request');
    expect(access.length).toBeGreaterThanOrEqual(20);
    for (const line of access) {
      expect(line).toEqual(expect.objectContaining({ requestId: expect.any(String), method: expect.any(String), path: expect.any(String), status: expect.any(Number), ms: expect.any(Number) }));
    }
    expect(access.find((l) => l['path'] === '/v1/customers')).toMatchObject({ status: 404 });
    expect(logs.text()).not.toContain('query-token-secret-123');
    expect(accessLine('req-debit-1')).toMatchObject({ method: 'POST', path: `/v1/customers/${customer}/debits`, status: 201 });
  });

  it('put the event id, event type and customer on the lines of a webhook', () => {
    const lines = logs.lines().filter((l) => l['requestId'] === 'req-webhook-1');
    expect(lines.map((l) => l['msg'])).toEqual(['stripe event', 'request']);
    for (const line of lines) expect(line).toMatchObject({ eventId: paid.id, eventType: 'invoice.paid', customer });
    expect(accessLine('req-webhook-1')).toMatchObject({ status: 200 });
    expect(accessLine('req-webhook-dup')).toMatchObject({ eventId: paid.id });
    expect(accessLine('req-forged')).toMatchObject({ status: 400 });
    expect(accessLine('req-forged')).not.toHaveProperty('eventId');
  });

  it('put the customer on every line of a customer route, admin ones included', () => {
    expect(accessLine('req-debit-1')).toMatchObject({ customer });
    const adjusted = logs.lines().find((l) => l['msg'] === 'request' && l['path'] === `/v1/admin/customers/${customer}/adjustments`);
    expect(adjusted).toMatchObject({ customer, status: 201 });
  });

  it('when Stripe fails, then the warning names the request and Stripe’s error type, not its message', () => {
    const lines = logs.lines().filter((l) => l['requestId'] === 'req-stripe-down');
    expect(lines.find((l) => l['level'] === 40 && l['code'] === 'stripe_error')).toMatchObject({
      customer,
      details: { stripeError: 'StripeAuthenticationError', requestId: 'req_fake' },
    });
    expect(accessLine('req-stripe-down')).toMatchObject({ status: 502 });
  });

  it('when the incoming X-Request-Id is not sane, then another is made up and returned', async () => {
    const res = await request(h.app).get('/healthz').set('X-Request-Id', 'x'.repeat(129)).expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(h.app).get('/healthz').set('X-Request-Id', 'abc.DEF_123-456').expect(200);
    expect(kept.headers['x-request-id']).toBe('abc.DEF_123-456');
    expect(logs.text()).not.toContain('drop table');
  });
});

describe('when a request fails inside the service', () => {
  it('then the error is logged with the request id returned to the caller, and the event it was applying', async () => {
    const broken = await startHarness({ logger: logs.logger });
    await broken.close();
    const evt = invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH });
    const res = await deliver(broken.app, evt).expect(500);
    const requestId = String(res.headers['x-request-id']);

    const failure = logs.lines().find((l) => l['msg'] === 'request failed' && l['requestId'] === requestId);
    expect(failure).toMatchObject({ level: 50, eventId: evt.id, err: { message: expect.any(String), stack: expect.any(String) } });
    expect(accessLine(requestId)).toMatchObject({ status: 500, eventId: evt.id });
  });
});
