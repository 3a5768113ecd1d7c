import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Response } from 'supertest';
import { deliverOk, invoicePaid, signatureFor, stripeId } from '../fixtures/stripe';
import { asAdmin, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * What ordinary HTTP clients and proxies send: charsets, compressed bodies, broken percent-encoding.
 * None of it is the service's failure, so none of it may answer 500: a JSON error naming the problem.
 */

let h: Harness;
const customer = stripeId('cus');
beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
  await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
});
afterAll(() => h.close());

const urls = { successUrl: 'https://app.example/done', cancelUrl: 'https://app.example/pricing' };

/** Every route that reads a JSON body, with a body it accepts. */
function jsonRoutes(): Array<{ name: string; method: 'post' | 'put'; path: string; auth: Record<string, string>; body: object }> {
  return [
    { name: 'POST …/debits', method: 'post', path: `/v1/customers/${customer}/debits`, auth: asApp, body: { amount: 1, idempotencyKey: stripeId('key') } },
    { name: 'POST /v1/checkout/subscription', method: 'post', path: '/v1/checkout/subscription', auth: asApp, body: { price: 'price_pro_m', ...urls } },
    { name: 'POST …/checkout/topup', method: 'post', path: `/v1/customers/${customer}/checkout/topup`, auth: asApp, body: { price: 'price_topup_1k', ...urls } },
    { name: 'POST …/portal', method: 'post', path: `/v1/customers/${customer}/portal`, auth: asApp, body: { returnUrl: 'https://app.example/account' } },
    { name: 'POST /v1/admin/…/adjustments', method: 'post', path: `/v1/admin/customers/${customer}/adjustments`, auth: asAdmin, body: { amount: 1, reason: 'r', idempotencyKey: stripeId('key') } },
    { name: 'POST /v1/admin/run-due', method: 'post', path: '/v1/admin/run-due', auth: asAdmin, body: {} },
    { name: 'PUT /v1/admin/clock', method: 'put', path: '/v1/admin/clock', auth: asAdmin, body: { now: '2026-03-10T12:00:00Z' } },
  ];
}

/** supertest would send a Buffer under a JSON content type as JSON of the Buffer; these bytes go as they are. */
function bytes(req: request.Test, body: Buffer | string): request.Test {
  return req.serialize((data: unknown) => data as string).send(body);
}

function expectJsonError(res: Response, status: number, type: string, named: string): void {
  expect({ status: res.status, contentType: res.headers['content-type'], type: res.body?.error?.type }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/json/),
    type,
  });
  expect(res.body.error.message).toContain(named);
}

describe('when a JSON body comes in a charset other than UTF-8, then it answers 415 naming the charset', () => {
  for (const charset of ['latin1', 'ascii', 'no-such-charset']) {
    it.each(jsonRoutes().map((r) => [r.name, r] as const))(`charset=${charset}: %s`, async (_name, route) => {
      const res = await request(h.app)[route.method](route.path).set(route.auth).set('Content-Type', `application/json; charset=${charset}`).send(JSON.stringify(route.body));
      expectJsonError(res, 415, 'unsupported_media_type', charset.toUpperCase());
    });
  }
});

describe('when a JSON body is compressed', () => {
  it.each(jsonRoutes().map((r) => [r.name, r] as const))('gzip is accepted (%s), like an uncompressed body', async (_name, route) => {
    const sent = request(h.app)[route.method](route.path).set(route.auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip');
    const res = await bytes(sent, gzipSync(JSON.stringify(route.body)));
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(415);
    expect(res.body.error?.message ?? '').not.toMatch(/encoding|JSON/i);
  });

  it('then a gzip debit is taken once, as a plain one would be', async () => {
    const before = await balanceOf(h.app, customer);
    const body = JSON.stringify({ amount: 7, idempotencyKey: stripeId('gz') });
    await bytes(request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip'), gzipSync(body)).expect(201);
    expect(await balanceOf(h.app, customer)).toBe(before - 7);
  });

  it.each(jsonRoutes().map((r) => [r.name, r] as const))('an unknown encoding answers 415 naming it (%s)', async (_name, route) => {
    const res = await request(h.app)[route.method](route.path).set(route.auth).set('Content-Type', 'application/json').set('Content-Encoding', 'x-squash').send(JSON.stringify(route.body));
    expectJsonError(res, 415, 'unsupported_media_type', 'x-squash');
  });

  it('bytes that are not gzip answer 400 saying the body could not be read', async () => {
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"amount":1,"idempotencyKey":"k"}');
    expectJsonError(res, 400, 'invalid_request', 'could not be read');
  });

  it('a small gzip that inflates past the 100 kB limit answers 413', async () => {
    const bomb = gzipSync(JSON.stringify({ amount: 1, idempotencyKey: 'k', reason: 'x'.repeat(5 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const res = await bytes(request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip'), bomb);
    expectJsonError(res, 413, 'payload_too_large', 'larger than allowed');
  });
});

describe('when :customer is not valid percent-encoding, then it answers 400 naming the path', () => {
  const routes = (bad: string): Array<[string, () => request.Test]> => [
    ['GET balance', () => request(h.app).get(`/v1/customers/${bad}/balance`).set(asApp)],
    ['GET ledger', () => request(h.app).get(`/v1/customers/${bad}/ledger`).set(asApp)],
    ['POST debits', () => request(h.app).post(`/v1/customers/${bad}/debits`).set(asApp).send({ amount: 1, idempotencyKey: 'k' })],
    ['POST topup', () => request(h.app).post(`/v1/customers/${bad}/checkout/topup`).set(asApp).send({ price: 'price_topup_1k', ...urls })],
    ['POST portal', () => request(h.app).post(`/v1/customers/${bad}/portal`).set(asApp).send({ returnUrl: 'https://app.example' })],
    ['POST adjustments', () => request(h.app).post(`/v1/admin/customers/${bad}/adjustments`).set(asAdmin).send({ amount: 1, reason: 'r', idempotencyKey: 'k' })],
  ];
  for (const bad of ['%E0%A4%A', '%', '%zz']) {
    it.each(routes(bad))(`${bad}: %s`, async (_name, send) => {
      expectJsonError(await send(), 400, 'invalid_request', 'percent-encoding');
    });
  }
});

describe('the webhook route, which reads the raw body', () => {
  const paid = (): string =>
    JSON.stringify(invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));

  it('when the signed body says charset=latin1, then the bytes are what is signed and it is processed', async () => {
    const body = paid();
    const res = await request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json; charset=latin1').set('Stripe-Signature', signatureFor(body)).send(body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { received: true, status: 'processed' } });
  });

  it('when a signed body arrives gzipped, then it is inflated and processed', async () => {
    const body = paid();
    const res = await bytes(request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').set('Stripe-Signature', signatureFor(body)), gzipSync(body));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { received: true, status: 'processed' } });
  });

  it('when the encoding is unknown, then it answers 415 and stores nothing', async () => {
    const count = () => h.stores.connection.collection('stripe_events').countDocuments();
    const before = await count();
    const body = paid();
    const res = await request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Content-Encoding', 'x-squash').set('Stripe-Signature', signatureFor(body)).send(body);
    expectJsonError(res, 415, 'unsupported_media_type', 'x-squash');
    expect(await count()).toBe(before);
  });

  it('when gzip bytes are broken, then it answers 400 and stores nothing', async () => {
    const body = paid();
    const res = await request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').set('Stripe-Signature', signatureFor(body)).send(body);
    expectJsonError(res, 400, 'invalid_request', 'could not be read');
  });
});

describe('the API key is checked before the body is read', () => {
  const broken = [
    ['broken JSON', { 'Content-Type': 'application/json' }, '{"amount": '],
    ['a body over the size limit', { 'Content-Type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(200_000) })],
    ['a charset we do not read', { 'Content-Type': 'application/json; charset=latin1' }, '{}'],
    ['an unknown encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'x-squash' }, '{}'],
  ] as const;

  describe.each(jsonRoutes().map((r) => [r.name, r] as const))('%s', (_name, route) => {
    it.each(broken)('when %s comes without a key, then 401: nothing of it was parsed', async (_case, headers, body) => {
      const res = await request(h.app)[route.method](route.path).set({ ...headers }).send(body);
      expectJsonError(res, 401, 'unauthorized', 'Authorization');
    });

    it.each(broken)('when %s comes with an unknown key, then 401', async (_case, headers, body) => {
      const res = await request(h.app)[route.method](route.path).set({ ...headers, Authorization: 'Bearer not-a-key-of-ours' }).send(body);
      expectJsonError(res, 401, 'unauthorized', 'Unknown API key');
    });
  });

  it('when an app key posts broken JSON to an admin route, then 403 before the body is read', async () => {
    const res = await request(h.app).post(`/v1/admin/customers/${customer}/adjustments`).set(asApp).set('Content-Type', 'application/json').send('{"amount": ');
    expectJsonError(res, 403, 'forbidden', 'admin');
  });

  it('when the key is right, then the same broken JSON is 400 as before', async () => {
    const res = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).set('Content-Type', 'application/json').send('{"amount": ');
    expectJsonError(res, 400, 'invalid_request', 'JSON');
  });
});
