import mongoose from 'mongoose';
import request from 'supertest';
import type { Response } from 'supertest';
import type Stripe from 'stripe';
import type { DomainErrorCode } from '../../src/domain/errors';
import type { Stores } from '../../src/store/connection';
import { deliver, invoicePaid, signatureFor, stripeId, subscriptionEvent } from '../fixtures/stripe';
import { startFakeStripeServer, stripeErrorBody } from '../support/fakeStripeServer';
import type { FakeStripeServer } from '../support/fakeStripeServer';
import { APP_KEY, ADMIN_KEY, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { hookCollections } from '../support/collectionHooks';
import { METHODS, documentedOperations, loadOpenApi, resolveRef, schemaValidator, servedOperations } from '../support/openapi';
import type { Method, OperationObject, ParameterObject, ResponseObject } from '../support/openapi';

const doc = loadOpenApi();
const validatorOf = schemaValidator(doc);

// ------------------------------------------------------------------ the three services the test drives

/** What the troubled service's database does: answer, fail like an unreachable MongoDB, or let another writer win every race. */
type StoreMode = 'up' | 'down' | 'unreachable' | 'contended';
let storeMode: StoreMode = 'up';

const troubledCollections = hookCollections((call) => {
  if (storeMode === 'down') throw new Error('simulated: MongoDB failed');
  if (storeMode === 'unreachable') throw new mongoose.mongo.MongoNetworkError('simulated: MongoDB does not answer');
  if (storeMode === 'contended' && call.collection === 'accounts') {
    if (call.method === 'updateOne') return Promise.resolve({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null });
    if (call.method === 'bulkWrite') return Promise.resolve({ matchedCount: 0, modifiedCount: 0, insertedCount: 0, upsertedCount: 0, deletedCount: 0 });
    if (call.method === 'insertOne') return Promise.reject(Object.assign(new Error('simulated: E11000 duplicate key'), { code: 11000 }));
  }
  return call.proceed();
});

function withTroubledHealth(stores: Stores): Stores {
  return { ...stores, health: { ping: () => (storeMode === 'down' ? Promise.resolve(false) : stores.health.ping()) } };
}

/** main: stripe-mock, test clock. troubled: a fake Stripe that fails, stores that fail. bare: no Stripe key, no clock. */
let main: Harness;
let trouble: Harness;
let bare: Harness;
let fake: FakeStripeServer;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  [main, trouble, bare] = await Promise.all([
    startHarness(),
    startHarness({ env: { STRIPE_API_URL: fake.url }, wrapCollection: troubledCollections, wrapStores: withTroubledHealth }),
    startHarness({ env: { STRIPE_SECRET_KEY: '', TEST_CLOCK: '0' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([main.close(), trouble.close(), bare.close(), fake.close()]);
});
beforeEach(() => {
  storeMode = 'up';
  for (const h of [main, trouble, bare]) h.clock.set(new Date('2026-03-10T12:00:00Z'));
});

// ------------------------------------------------------------------ calling an operation and checking the answer

/** Every `"METHOD /path STATUS"` a test has seen answered and checked against the document. */
const exercised = new Set<string>();

type Auth = 'app' | 'admin' | 'none' | 'unknown';
const AUTH_HEADER: Record<Auth, string | null> = {
  app: `Bearer ${APP_KEY}`,
  admin: `Bearer ${ADMIN_KEY}`,
  none: null,
  unknown: 'Bearer not_a_key_of_this_service',
};

interface Call {
  h?: Harness;
  /** e.g. `POST /v1/customers/{customer}/debits`: an operation of the document. */
  op: string;
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  /** Sent as JSON, unless `raw`. */
  body?: unknown;
  raw?: string;
  /** Sent as a browser sends a form (application/x-www-form-urlencoded), for the billing page's forms. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  auth?: Auth;
  status: number;
  /**
   * Whether the document's request schema must accept the body sent (`true` by default for a 2xx) or refuse it
   * (a 400 for a malformed body): the request schemas are held to the app's validation too.
   */
  bodyMatchesDocument?: boolean;
}

function operationOf(op: string): { method: Method; path: string; operation: OperationObject } {
  const [verb, path] = op.split(' ');
  const method = (verb ?? '').toLowerCase() as Method;
  const operation = path ? doc.paths[path]?.[method] : undefined;
  if (!path || !operation) throw new Error(`${op} is not an operation of openapi.yaml`);
  return { method, path, operation };
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

function describeErrors(validate: { errors?: unknown }): string {
  return JSON.stringify(validate.errors, null, 2);
}

/** Checks a real answer against the document: the status is listed, the content type is, the body fits its schema. */
function expectDocumented(op: string, res: Response): void {
  const { operation } = operationOf(op);
  const listed = operation.responses[String(res.status)];
  if (!listed) throw new Error(`${op} answered ${res.status}, a status openapi.yaml does not list: ${res.text}`);
  const response = resolveRef<ResponseObject>(doc, listed);
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const media = response.content?.[contentType];
  if (!media) throw new Error(`${op} ${res.status} answered ${contentType || 'no content type'}; openapi.yaml lists ${Object.keys(response.content ?? {}).join(', ') || 'none'}`);
  const validate = validatorOf(media.schema);
  const body: unknown = contentType === 'application/json' ? res.body : res.text;
  if (!validate(body)) {
    throw new Error(`${op} ${res.status}: the body does not match openapi.yaml:\n${describeErrors(validate)}\nbody: ${JSON.stringify(body)}`);
  }
  exercised.add(`${op} ${res.status}`);
}

function expectRequestBodyJudged(op: string, body: unknown, shouldMatch: boolean, mediaType = 'application/json'): void {
  const schema = operationOf(op).operation.requestBody?.content[mediaType]?.schema;
  if (schema === undefined) throw new Error(`${op} has no ${mediaType} request body in openapi.yaml`);
  const validate = validatorOf(schema);
  const matches = validate(body);
  if (matches !== shouldMatch) {
    throw new Error(
      `${op}: the app ${shouldMatch ? 'accepted' : 'refused'} ${JSON.stringify(body)} but openapi.yaml ${matches ? 'accepts' : 'refuses'} it` +
        (matches ? '' : `:\n${describeErrors(validate)}`),
    );
  }
}

async function call(c: Call): Promise<Response> {
  const { method, path } = operationOf(c.op);
  const agent = request((c.h ?? main).app);
  let req = agent[method](fill(path, c.params ?? {}));
  const auth = AUTH_HEADER[c.auth ?? (path.startsWith('/v1/admin') ? 'admin' : path.startsWith('/v1') ? 'app' : 'none')];
  if (auth) req = req.set('Authorization', auth);
  for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
  if (c.query) req = req.query(c.query);
  if (c.raw !== undefined) req = req.set('Content-Type', c.headers?.['Content-Type'] ?? 'application/json').send(c.raw);
  else if (c.body !== undefined) req = req.send(c.body as object);
  else if (c.form !== undefined) req = req.type('form').send(c.form);
  const res = await req;
  if (res.status !== c.status) throw new Error(`${c.op} answered ${res.status}, expected ${c.status}: ${res.text}`);
  expectDocumented(c.op, res);
  // A form the page accepted answers 303 to Stripe: that, too, is a body the document must accept.
  const judged = c.bodyMatchesDocument ?? (c.status < 300 || (c.form !== undefined && c.status === 303) ? true : undefined);
  if (judged !== undefined && c.body !== undefined) expectRequestBodyJudged(c.op, c.body, judged);
  if (judged !== undefined && c.form !== undefined) expectRequestBodyJudged(c.op, c.form, judged, 'application/x-www-form-urlencoded');
  return res;
}

// ------------------------------------------------------------------ data

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const urls = { successUrl: 'https://app.example/done?session={CHECKOUT_SESSION_ID}', cancelUrl: 'https://app.example/pricing' };
const TOO_LARGE_FOR_V1 = { padding: 'x'.repeat(110 * 1024) };

async function delivered(h: Harness, evt: Stripe.Event): Promise<Response> {
  const res = await deliver(h.app, evt);
  expectDocumented('POST /webhooks/stripe', res);
  return res;
}

/** A quarterly pro subscriber linked to `externalId`: a subscription snapshot, then its paid invoice. */
/** A billing-page link for the customer, minted through the documented route; its token. */
async function linkFor(h: Harness, customer: string, body: object = {}): Promise<string> {
  const res = await call({ h, op: 'POST /v1/customers/{customer}/billing-sessions', params: { customer }, body, status: 201 });
  return String(res.body.url).split('/').pop() ?? '';
}

async function subscriber(h: Harness, externalId = `user_${stripeId('x')}`): Promise<{ customer: string; externalId: string }> {
  const customer = stripeId('cus');
  const subscription = stripeId('sub');
  const term = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-06-01T00:00:00Z' };
  for (const evt of [
    subscriptionEvent('customer.subscription.created', { id: subscription, customer, price: 'price_pro_q', months: 3, ...term, metadata: { external_id: externalId } }),
    invoicePaid({ customer, subscription, price: 'price_pro_q', ...term }),
  ]) {
    expect((await delivered(h, evt)).body.status).toBe('processed');
  }
  return { customer, externalId };
}

/** A monthly subscriber whose March slot ends on Apr 1, so reading the account after that writes an expiry. */
async function marchSubscriber(h: Harness): Promise<string> {
  const customer = stripeId('cus');
  await delivered(h, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_m', ...MARCH }));
  return customer;
}

// ------------------------------------------------------------------ the document itself

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1 and every schema in it compiles under strict JSON Schema 2020-12', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        for (const [status, listed] of Object.entries(operation.responses)) {
          const response = resolveRef<ResponseObject>(doc, listed);
          expect({ op: `${method} ${path} ${status}`, content: Object.keys(response.content ?? {}).length > 0 }).toEqual({ op: `${method} ${path} ${status}`, content: true });
          for (const media of Object.values(response.content ?? {})) validatorOf(media.schema);
        }
        for (const media of Object.values(operation.requestBody?.content ?? {})) validatorOf(media.schema);
      }
    }
  });

  it('declares every path parameter of every path template', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
          .map((p) => resolveRef<ParameterObject>(doc, p))
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect({ op: `${method} ${path}`, declared }).toEqual({ op: `${method} ${path}`, declared: inTemplate });
      }
    }
  });

  it('asks an admin key on /v1/admin, an app or admin key on the rest of /v1, and none elsewhere', () => {
    expect(doc.security).toEqual([{ appKey: [] }, { adminKey: [] }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const where = `${method} ${path}`;
        const statuses = Object.keys(operation.responses);
        if (path.startsWith('/v1/admin')) {
          expect({ where, security: operation.security, has401: statuses.includes('401'), has403: statuses.includes('403') }).toEqual({ where, security: [{ adminKey: [] }], has401: true, has403: true });
        } else if (path.startsWith('/v1')) {
          expect({ where, security: operation.security, has401: statuses.includes('401') }).toEqual({ where, security: undefined, has401: true });
        } else {
          expect({ where, security: operation.security }).toEqual({ where, security: [] });
        }
      }
    }
  });

  it('lists every error type the code can answer, and every error response uses one of them', () => {
    // Adding a DomainErrorCode without listing it here is a compile error; listing it here without the document fails below.
    const domainCodes = [
      'invalid_request',
      'invalid_signature',
      'invalid_event',
      'insufficient_credits',
      'customer_not_found',
      'not_found',
      'idempotency_key_reused',
      'concurrent_update',
      'ledger_conflict',
      'unavailable',
      'clock_disabled',
      'stripe_error',
      'stripe_not_configured',
      'hold_not_found',
      'hold_expired',
      'hold_captured',
      'hold_released',
    ] as const satisfies readonly DomainErrorCode[];
    const everyCodeListed: [Exclude<DomainErrorCode, (typeof domainCodes)[number]>] extends [never] ? true : false = true;
    expect(everyCodeListed).toBe(true);
    // Chosen by the HTTP layer itself (src/http/auth.ts, src/http/errors.ts).
    const httpCodes = ['unauthorized', 'forbidden', 'payload_too_large', 'unsupported_media_type', 'internal_error'];

    const listed = (doc.components.schemas['ErrorType'] as { enum: string[] }).enum;
    expect([...listed].sort()).toEqual([...domainCodes, ...httpCodes].sort());

    const used = Object.entries(doc.components.schemas)
      .filter(([name]) => name.endsWith('Error') && name !== 'Error')
      .map(([, schema]) => (schema as { properties: { error: { properties: { type: { const: string } } } } }).properties.error.properties.type.const);
    expect(used.length).toBeGreaterThan(0);
    for (const type of used) expect(listed).toContain(type);
  });
});

// ------------------------------------------------------------------ served = documented

describe('the app serves exactly the documented operations', () => {
  it('when the router stack is read, then it holds every documented operation and no other', () => {
    const served = servedOperations(main.app).sort();
    const documented = documentedOperations(doc).sort();
    expect({ servedButNotDocumented: served.filter((op) => !documented.includes(op)), documentedButNotServed: documented.filter((op) => !served.includes(op)) }).toEqual({
      servedButNotDocumented: [],
      documentedButNotServed: [],
    });
  });

  it('when each documented operation is probed, then none falls through to 404 not_found, while an undocumented one does', async () => {
    const probe = async (op: string) => {
      const [verb, path] = op.split(' ');
      const url = (path ?? '').replace(/\{\w+\}/g, 'cus_probe');
      const res = await request(main.app)[(verb ?? '').toLowerCase() as Method](url).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
      return { op, fellThrough: res.status === 404 && res.body?.error?.type === 'not_found' };
    };
    const probes = await Promise.all(documentedOperations(doc).map(probe));
    expect(probes.filter((p) => p.fellThrough)).toEqual([]);
    // The probe can tell: these are not served.
    expect(await probe('DELETE /v1/admin/clock')).toEqual({ op: 'DELETE /v1/admin/clock', fellThrough: true });
    expect(await probe('GET /v1/customers/{customer}/nothing')).toEqual({ op: 'GET /v1/customers/{customer}/nothing', fellThrough: true });
  });
});

// ------------------------------------------------------------------ every operation, every status

describe('operations', () => {
  it('GET /healthz and /readyz answer as documented, and /readyz says 503 when MongoDB is down', async () => {
    await call({ op: 'GET /healthz', status: 200 });
    await call({ op: 'GET /readyz', status: 200 });
    storeMode = 'down';
    await call({ h: trouble, op: 'GET /readyz', status: 503 });
  });

  it('GET /metrics answers Prometheus text without a key', async () => {
    const res = await call({ op: 'GET /metrics', status: 200 });
    expect(res.text).toMatch(/^# (HELP|TYPE) /m);
  });

  it('POST /webhooks/stripe answers each status and outcome as documented', async () => {
    const customer = stripeId('cus');
    const paid = invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_m', ...MARCH });
    expect((await delivered(main, paid)).body.status).toBe('processed');
    expect((await delivered(main, paid)).body.status).toBe('duplicate');
    const live = invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_m', ...MARCH }, { livemode: true });
    expect((await delivered(main, live)).body.status).toBe('ignored');
    const unknownPrice = invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_not_sold_here', ...MARCH });
    expect((await delivered(main, unknownPrice)).body.status).toBe('parked');

    await call({ op: 'POST /webhooks/stripe', raw: JSON.stringify(paid), status: 400 });
    await call({ op: 'POST /webhooks/stripe', raw: JSON.stringify(paid), headers: { 'Stripe-Signature': 't=1,v1=abc' }, status: 400 });
    const invalid = await call({ op: 'POST /webhooks/stripe', raw: '[]', headers: { 'Stripe-Signature': signatureFor('[]') }, status: 400 });
    expect(invalid.body.error.type).toBe('invalid_event');
    await call({ op: 'POST /webhooks/stripe', raw: 'x'.repeat(1024 * 1024 + 1), headers: { 'Stripe-Signature': 't=1,v1=abc' }, status: 413 });

    // A database that does not answer: 500, so Stripe retries.
    storeMode = 'unreachable';
    const unanswered = await delivered(trouble, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }));
    expect([unanswered.status, unanswered.body.error.type]).toEqual([500, 'unavailable']);
    storeMode = 'down';
    expect((await delivered(trouble, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }))).status).toBe(500);
    storeMode = 'contended';
    expect((await delivered(trouble, invoicePaid({ customer, subscription: stripeId('sub'), ...MARCH }))).status).toBe(503);
  });

  it('GET /v1/customers finds a customer by externalId and answers every documented error', async () => {
    const { customer, externalId } = await subscriber(main);
    const op = 'GET /v1/customers';
    const found = await call({ op, query: { externalId }, status: 200 });
    expect(found.body).toEqual({ customer, externalId });
    await call({ op, status: 400 });
    await call({ op, query: { externalId: 'x'.repeat(256) }, status: 400 });
    await call({ op, query: { externalId }, auth: 'none', status: 401 });
    await call({ op, query: { externalId: 'user_nobody' }, status: 404 });
    storeMode = 'unreachable';
    await call({ h: trouble, op, query: { externalId }, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, query: { externalId }, status: 500 });
  });

  it('GET /v1/customers/{customer}/balance answers a subscriber, an account without subscription, and every documented error', async () => {
    const op = 'GET /v1/customers/{customer}/balance';
    const { customer } = await subscriber(main);
    const withSubscription = await call({ op, params: { customer }, status: 200 });
    expect(withSubscription.body.subscription).not.toBeNull();
    expect(withSubscription.body.nextGrant).not.toBeNull();

    const granted = stripeId('cus');
    await call({ op: 'POST /v1/admin/customers/{customer}/adjustments', params: { customer: granted }, body: { amount: 10, reason: 'goodwill', idempotencyKey: 'g1' }, status: 201 });
    const withoutSubscription = await call({ op, params: { customer: granted }, auth: 'admin', status: 200 });
    expect(withoutSubscription.body).toMatchObject({ subscription: null, nextGrant: null });

    await call({ op, params: { customer: 'c'.repeat(256) }, status: 400 });
    await call({ op, params: { customer }, auth: 'unknown', status: 401 });
    await call({ op, params: { customer: stripeId('cus') }, status: 404 });

    // Reads never write, so they never lose a race: a read answers 200 or, with MongoDB down, 500.
    const ended = await marchSubscriber(trouble);
    trouble.clock.set(new Date('2026-04-05T00:00:00Z'));
    storeMode = 'contended';
    await call({ h: trouble, op, params: { customer: ended }, status: 200 });
    storeMode = 'unreachable';
    await call({ h: trouble, op, params: { customer: ended }, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, params: { customer: ended }, status: 500 });
  });

  it('POST /v1/customers/{customer}/debits answers 201, 200 on a retry, and every documented error', async () => {
    const op = 'POST /v1/customers/{customer}/debits';
    const { customer } = await subscriber(main);
    const body = { amount: 30, idempotencyKey: 'render-1', reason: 'video render', metadata: { job: '1' } };
    const first = await call({ op, params: { customer }, body, status: 201 });
    const again = await call({ op, params: { customer }, body, status: 200 });
    expect(again.body).toEqual(first.body);

    await call({ op, params: { customer }, body: { amount: 30 }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { amount: 1.5, idempotencyKey: 'k' }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { amount: 1, idempotencyKey: 'k', note: 'x' }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { amount: 1, idempotencyKey: 'k', metadata: { job: 1 } }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, raw: '{"amount":', status: 400 });
    await call({ op, params: { customer }, body, auth: 'none', status: 401 });
    await call({ op, params: { customer }, body: { amount: 999_999, idempotencyKey: 'too-much' }, status: 402 });
    await call({ op, params: { customer: stripeId('cus') }, body, status: 404 });
    await call({ op, params: { customer }, body: { ...body, amount: 31 }, status: 409 });
    await call({ op, params: { customer }, body: TOO_LARGE_FOR_V1, status: 413 });

    const other = await marchSubscriber(trouble);
    storeMode = 'contended';
    await call({ h: trouble, op, params: { customer: other }, body, status: 503 });
    storeMode = 'unreachable';
    await call({ h: trouble, op, params: { customer: other }, body, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, params: { customer: other }, body, status: 500 });
  });

  it('POST /v1/customers/{customer}/holds answers 201, 200 on a retry, and every documented error', async () => {
    const op = 'POST /v1/customers/{customer}/holds';
    const { customer } = await subscriber(main);
    const body = { amount: 50, idempotencyKey: 'job-1', ttlSeconds: 600, metadata: { job: '1' } };
    const first = await call({ op, params: { customer }, body, status: 201 });
    expect(first.body.hold).toMatchObject({ amount: 50, status: 'held', expiresAt: '2026-03-10T12:10:00.000Z' });
    expect((await call({ op, params: { customer }, body, status: 200 })).body).toEqual(first.body);
    await call({ op, params: { customer }, body: { amount: 5, idempotencyKey: 'job-2' }, status: 201 });

    await call({ op, params: { customer }, body: { amount: 5 }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { amount: 5, idempotencyKey: 'k', ttlSeconds: 86_401 }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { amount: 5, idempotencyKey: 'k', ttlSeconds: 0 }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body, auth: 'none', status: 401 });
    await call({ op, params: { customer }, body: { amount: 999_999, idempotencyKey: 'too-much' }, status: 402 });
    await call({ op, params: { customer: stripeId('cus') }, body, status: 404 });
    await call({ op, params: { customer }, body: { ...body, amount: 51 }, status: 409 });
    await call({ op, params: { customer }, body: TOO_LARGE_FOR_V1, status: 413 });

    const other = await marchSubscriber(trouble);
    storeMode = 'contended';
    await call({ h: trouble, op, params: { customer: other }, body, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, params: { customer: other }, body, status: 500 });
  });

  it('POST /v1/customers/{customer}/holds/{hold}/capture and /release answer the outcome once, again on a retry, and every documented error', async () => {
    const capture = 'POST /v1/customers/{customer}/holds/{hold}/capture';
    const release = 'POST /v1/customers/{customer}/holds/{hold}/release';
    const { customer } = await subscriber(main);
    const holdOf = async (key: string, ttlSeconds = 600): Promise<string> =>
      (await call({ op: 'POST /v1/customers/{customer}/holds', params: { customer }, body: { amount: 50, idempotencyKey: key, ttlSeconds }, status: 201 })).body.hold.id;

    const job = await holdOf('job-a');
    const captured = await call({ op: capture, params: { customer, hold: job }, body: { amount: 38 }, status: 200 });
    expect(captured.body).toMatchObject({ hold: { id: job, status: 'captured', amount: 50 }, debit: { amount: 38 } });
    expect((await call({ op: capture, params: { customer, hold: job }, body: { amount: 38 }, status: 200 })).body).toEqual(captured.body);
    await call({ op: release, params: { customer, hold: job }, status: 409 });

    const dropped = await holdOf('job-b');
    const released = await call({ op: release, params: { customer, hold: dropped }, status: 200 });
    expect(released.body.hold).toMatchObject({ id: dropped, status: 'released' });
    expect((await call({ op: release, params: { customer, hold: dropped }, body: {}, status: 200 })).body).toEqual(released.body);
    await call({ op: capture, params: { customer, hold: dropped }, status: 409 });

    const late = await holdOf('job-c', 60);
    main.clock.set(new Date('2026-03-10T12:01:00Z'));
    const expired = await call({ op: capture, params: { customer, hold: late }, status: 409 });
    expect(expired.body.error.type).toBe('hold_expired');
    expect((await call({ op: release, params: { customer, hold: late }, status: 200 })).body.hold.status).toBe('expired');

    const open = await holdOf('job-d');
    await call({ op: capture, params: { customer, hold: open }, body: { amount: 51 }, status: 400 });
    await call({ op: capture, params: { customer, hold: open }, body: { amount: 0 }, status: 400, bodyMatchesDocument: false });
    await call({ op: release, params: { customer, hold: open }, body: { now: true }, status: 400, bodyMatchesDocument: false });
    for (const op of [capture, release]) {
      await call({ op, params: { customer, hold: open }, auth: 'none', status: 401 });
      await call({ op, params: { customer, hold: 'hold_nothing' }, status: 404 });
      await call({ op, params: { customer: stripeId('cus'), hold: open }, status: 404 });
      await call({ op, params: { customer, hold: open }, body: TOO_LARGE_FOR_V1, status: 413 });
    }

    const other = await marchSubscriber(trouble);
    const troubled = (await call({ h: trouble, op: 'POST /v1/customers/{customer}/holds', params: { customer: other }, body: { amount: 5, idempotencyKey: 'k' }, status: 201 })).body.hold.id;
    for (const op of [capture, release]) {
      storeMode = 'contended';
      await call({ h: trouble, op, params: { customer: other, hold: troubled }, status: 503 });
      storeMode = 'down';
      await call({ h: trouble, op, params: { customer: other, hold: troubled }, status: 500 });
      storeMode = 'up';
    }
  });

  it('GET /v1/customers/{customer}/ledger pages newest first and answers every documented error', async () => {
    const op = 'GET /v1/customers/{customer}/ledger';
    const { customer } = await subscriber(main);
    await call({ op: 'POST /v1/customers/{customer}/debits', params: { customer }, body: { amount: 5, idempotencyKey: 'd1' }, status: 201 });
    const firstPage = await call({ op, params: { customer }, query: { limit: 1 }, status: 200 });
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    const lastPage = await call({ op, params: { customer }, query: { limit: 200, cursor: firstPage.body.nextCursor }, status: 200 });
    expect(lastPage.body.nextCursor).toBeNull();
    expect(lastPage.body.entries).toHaveLength(1);

    await call({ op, params: { customer }, query: { limit: 201 }, status: 400 });
    await call({ op, params: { customer }, query: { cursor: 'not-a-cursor' }, status: 400 });
    await call({ op, params: { customer }, auth: 'none', status: 401 });
    await call({ op, params: { customer: stripeId('cus') }, status: 404 });

    // Reads never write, so they never lose a race: a read answers 200 or, with MongoDB down, 500.
    const ended = await marchSubscriber(trouble);
    trouble.clock.set(new Date('2026-04-05T00:00:00Z'));
    storeMode = 'contended';
    await call({ h: trouble, op, params: { customer: ended }, status: 200 });
    storeMode = 'unreachable';
    await call({ h: trouble, op, params: { customer: ended }, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, params: { customer: ended }, status: 500 });
  });

  describe('checkout and portal', () => {
    const cases: Array<{ op: string; params: Record<string, string>; body: object; bad: object }> = [
      { op: 'POST /v1/checkout/subscription', params: {}, body: { price: 'price_pro_m', ...urls, email: 'a@example.com', externalId: 'user_1' }, bad: { price: 'price_pro_m', ...urls, customer: 'cus_a', email: 'a@example.com' } },
      { op: 'POST /v1/customers/{customer}/checkout/topup', params: { customer: 'cus_openapi' }, body: { price: 'price_topup_1k', quantity: 2, ...urls }, bad: { price: 'price_topup_1k', quantity: 1001, ...urls } },
      { op: 'POST /v1/customers/{customer}/portal', params: { customer: 'cus_openapi' }, body: { returnUrl: 'https://app.example/account' }, bad: { returnUrl: 'javascript:alert(1)' } },
    ];

    it.each(cases)('$op answers 200 from Stripe and every documented error', async ({ op, params, body, bad }) => {
      await call({ op, params, body, status: 200 });
      await call({ op, params, body: bad, status: 400, bodyMatchesDocument: false });
      await call({ op, params, body, auth: 'none', status: 401 });
      await call({ op, params, body: TOO_LARGE_FOR_V1, status: 413 });
      await call({ h: bare, op, params, body, status: 503 });

      fake.answer(() => ({ status: 400, body: stripeErrorBody('invalid_request_error', 'No such customer', { param: 'customer', code: 'resource_missing' }) }));
      const who = op === 'POST /v1/checkout/subscription' ? { ...body, email: undefined, customer: 'cus_ghost' } : body;
      await call({ h: trouble, op, params, body: who, status: 404 });
      fake.answer(() => ({ status: 400, body: stripeErrorBody('invalid_request_error', 'No such price', { param: 'line_items[0][price]', code: 'resource_missing' }) }));
      const refused = await call({ h: trouble, op, params, body, status: 400 });
      expect(refused.body.error.type).toBe('invalid_request');
      fake.answer(() => ({ status: 500, body: stripeErrorBody('api_error', 'boom') }));
      await call({ h: trouble, op, params, body, status: 502 });
    });

    it('when a top-up names a customer that is not a cus_ id, then 400 before Stripe is asked', async () => {
      await call({ op: 'POST /v1/customers/{customer}/checkout/topup', params: { customer: 'user_1' }, body: { price: 'price_topup_1k', ...urls }, status: 400 });
    });
  });

  describe('the customer’s billing page', () => {
    async function formTokenOf(h: Harness, token: string): Promise<string> {
      const page = await request(h.app).get(`/billing/${token}`).expect(200);
      const match = /name="formToken" value="([^"]+)"/.exec(page.text);
      if (!match?.[1]) throw new Error('the page has no form token');
      return match[1];
    }

    /** Spends a link's requests for this minute, so its next one is refused. */
    async function exhaust(h: Harness, token: string): Promise<void> {
      for (let i = 0; i < 60; i++) await request(h.app).get(`/billing/${token}/activity`);
    }

    /** A monthly subscriber whose link is opened just after its month ended: the read has an expiry to write. */
    async function linkAcrossMonthEnd(): Promise<string> {
      const customer = await marchSubscriber(trouble);
      trouble.clock.set(new Date('2026-03-31T23:30:00Z'));
      const token = await linkFor(trouble, customer);
      trouble.clock.set(new Date('2026-04-01T00:10:00Z'));
      return token;
    }

    it('POST /v1/customers/{customer}/billing-sessions mints a link and answers every documented error', async () => {
      const op = 'POST /v1/customers/{customer}/billing-sessions';
      const { customer } = await subscriber(main);
      const minted = await call({ op, params: { customer }, body: { returnUrl: 'https://app.example/account', ttlSeconds: 600 }, status: 201 });
      expect(minted.body.expiresAt).toBe('2026-03-10T12:10:00.000Z');
      await call({ op, params: { customer }, body: {}, status: 201 });

      await call({ op, params: { customer }, body: { ttlSeconds: 86_401 }, status: 400, bodyMatchesDocument: false });
      await call({ op, params: { customer }, body: { returnUrl: 'javascript:alert(1)' }, status: 400, bodyMatchesDocument: false });
      await call({ op, params: { customer }, body: {}, auth: 'none', status: 401 });
      await call({ op, params: { customer: stripeId('cus') }, body: {}, status: 404 });
      await call({ op, params: { customer }, body: TOO_LARGE_FOR_V1, status: 413 });

      // Minting reads the account and never writes it, so it never loses a race.
      const ended = await marchSubscriber(trouble);
      trouble.clock.set(new Date('2026-04-05T00:00:00Z'));
      storeMode = 'contended';
      await call({ h: trouble, op, params: { customer: ended }, body: {}, status: 201 });
      storeMode = 'unreachable';
      await call({ h: trouble, op, params: { customer: ended }, body: {}, status: 503 });
      storeMode = 'down';
      await call({ h: trouble, op, params: { customer: ended }, body: {}, status: 500 });
    });

    it('GET /billing/{token} shows the page, and answers every documented error as a page', async () => {
      const op = 'GET /billing/{token}';
      const { customer } = await subscriber(main);
      const token = await linkFor(main, customer);
      await call({ op, params: { token }, status: 200 });
      await call({ op, params: { token }, query: { paid: 'cs_test_notyet' }, status: 200 });
      await call({ op, params: { token: 'A'.repeat(43) }, status: 401 });
      const busy = await linkFor(main, customer);
      await exhaust(main, busy);
      await call({ op, params: { token: busy }, status: 429 });

      // The page is a read: it never writes the account, so it never loses a race.
      const contended = await linkAcrossMonthEnd();
      storeMode = 'contended';
      await call({ h: trouble, op, params: { token: contended }, status: 200 });
      storeMode = 'unreachable';
      await call({ h: trouble, op, params: { token: contended }, status: 503 });
      storeMode = 'down';
      await call({ h: trouble, op, params: { token: contended }, status: 500 });
    });

    it('GET /billing/{token}/activity pages the activity and answers every documented error as a page', async () => {
      const op = 'GET /billing/{token}/activity';
      const { customer } = await subscriber(main);
      const token = await linkFor(main, customer);
      await call({ op, params: { token }, status: 200 });
      await call({ op, params: { token }, query: { cursor: 'forged' }, status: 400 });
      await call({ op, params: { token: 'nope' }, status: 401 });
      const busy = await linkFor(main, customer);
      await exhaust(main, busy);
      await call({ op, params: { token: busy }, status: 429 });

      const failing = await linkAcrossMonthEnd();
      storeMode = 'unreachable';
      await call({ h: trouble, op, params: { token: failing }, status: 503 });
      storeMode = 'down';
      await call({ h: trouble, op, params: { token: failing }, status: 500 });
    });

    it.each(['POST /billing/{token}/checkout', 'POST /billing/{token}/portal'])('%s redirects to Stripe and answers every documented error as a page', async (op) => {
      const buying = op.endsWith('/checkout');
      const fields: Record<string, string> = buying ? { price: 'price_topup_1k', quantity: '2' } : {};
      const { customer } = await subscriber(main);
      const token = await linkFor(main, customer);
      const formToken = await formTokenOf(main, token);

      const redirect = await call({ op, params: { token }, form: { formToken, ...fields }, status: 303 });
      expect(redirect.headers['location']).toMatch(/^https:\/\//);
      if (buying) {
        await call({ op, params: { token }, form: { formToken, price: 'price_topup_1k', quantity: '0' }, status: 400 });
        await call({ op, params: { token }, form: { formToken, price: 'price_topup_1k', quantity: '1', padding: 'x'.repeat(9 * 1024) }, status: 413 });
      }
      await call({ op, params: { token: 'A'.repeat(43) }, form: { formToken, ...fields }, status: 401 });
      await call({ op, params: { token }, form: fields, status: 403 });
      const busy = await linkFor(main, customer);
      await exhaust(main, busy);
      await call({ op, params: { token: busy }, form: { formToken, ...fields }, status: 429 });

      const bareCustomer = (await subscriber(bare)).customer;
      const bareToken = await linkFor(bare, bareCustomer);
      await call({ h: bare, op, params: { token: bareToken }, form: { formToken: await formTokenOf(bare, bareToken), ...fields }, status: 503 });

      const troubled = (await subscriber(trouble)).customer;
      const troubleToken = await linkFor(trouble, troubled);
      const troubleForm = { formToken: await formTokenOf(trouble, troubleToken), ...fields };
      fake.answer(() => ({ status: 400, body: stripeErrorBody('invalid_request_error', 'No such customer', { param: 'customer', code: 'resource_missing' }) }));
      await call({ h: trouble, op, params: { token: troubleToken }, form: troubleForm, status: 404 });
      fake.answer(() => ({ status: 500, body: stripeErrorBody('api_error', 'boom') }));
      await call({ h: trouble, op, params: { token: troubleToken }, form: troubleForm, status: 502 });
    });
  });

  it('POST /v1/admin/customers/{customer}/adjustments answers 201, 200 on a retry, and every documented error', async () => {
    const op = 'POST /v1/admin/customers/{customer}/adjustments';
    const { customer } = await subscriber(main);
    const grant = { amount: 300, reason: 'goodwill', idempotencyKey: 'a1', expiresAt: '2026-06-01T00:00:00Z' };
    const first = await call({ op, params: { customer }, body: grant, status: 201 });
    expect((await call({ op, params: { customer }, body: grant, status: 200 })).body).toEqual(first.body);
    await call({ op, params: { customer }, body: { amount: -5, reason: 'taken back', idempotencyKey: 'a2' }, status: 201 });

    await call({ op, params: { customer }, body: { ...grant, amount: 0 }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { ...grant, reason: '' }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: { ...grant, expiresAt: 'next week' }, status: 400, bodyMatchesDocument: false });
    await call({ op, params: { customer }, body: grant, auth: 'none', status: 401 });
    await call({ op, params: { customer }, body: { amount: -999_999, reason: 'too much', idempotencyKey: 'a3' }, status: 402 });
    await call({ op, params: { customer }, body: grant, auth: 'app', status: 403 });
    await call({ op, params: { customer: stripeId('cus') }, body: { amount: -1, reason: 'nobody', idempotencyKey: 'a4' }, status: 404 });
    await call({ op, params: { customer }, body: { ...grant, amount: 301 }, status: 409 });
    await call({ op, params: { customer }, body: TOO_LARGE_FOR_V1, status: 413 });

    storeMode = 'contended';
    await call({ h: trouble, op, params: { customer: stripeId('cus') }, body: grant, status: 503 });
    storeMode = 'unreachable';
    await call({ h: trouble, op, params: { customer: stripeId('cus') }, body: grant, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, params: { customer: stripeId('cus') }, body: grant, status: 500 });
  });

  it('POST /v1/admin/run-due answers counts and every documented error', async () => {
    const op = 'POST /v1/admin/run-due';
    await call({ op, status: 200 });
    await call({ op, body: { asOf: '2026-03-01T00:00:00Z' }, status: 200 });
    await call({ op, body: { asOf: '2026-04-01T00:00:00Z' }, status: 400 });
    await call({ op, body: { asof: '2026-03-01T00:00:00Z' }, status: 400, bodyMatchesDocument: false });
    await call({ op, auth: 'unknown', status: 401 });
    await call({ op, auth: 'app', status: 403 });
    await call({ op, body: TOO_LARGE_FOR_V1, status: 413 });

    await marchSubscriber(trouble);
    trouble.clock.set(new Date('2026-04-05T00:00:00Z'));
    storeMode = 'contended';
    // The sweep goes on past an account it cannot write, and says how many it left due.
    const contended = await call({ h: trouble, op, status: 200 });
    expect(contended.body.failed).toBeGreaterThan(0);
    storeMode = 'unreachable';
    await call({ h: trouble, op, status: 503 });
    storeMode = 'down';
    await call({ h: trouble, op, status: 500 });
  });

  it('GET and PUT /v1/admin/clock answer the time, and 404 clock_disabled without TEST_CLOCK=1', async () => {
    const set = await call({ op: 'PUT /v1/admin/clock', body: { now: '2026-05-01T10:00:00+02:00' }, status: 200 });
    expect(set.body).toEqual({ now: '2026-05-01T08:00:00.000Z' });
    expect((await call({ op: 'GET /v1/admin/clock', status: 200 })).body).toEqual({ now: '2026-05-01T08:00:00.000Z' });

    await call({ op: 'PUT /v1/admin/clock', body: { now: 'tomorrow' }, status: 400, bodyMatchesDocument: false });
    await call({ op: 'PUT /v1/admin/clock', body: TOO_LARGE_FOR_V1, status: 413 });
    for (const op of ['GET /v1/admin/clock', 'PUT /v1/admin/clock']) {
      const body = op.startsWith('PUT') ? { now: '2026-05-01T10:00:00Z' } : undefined;
      await call({ op, body, auth: 'none', status: 401 });
      await call({ op, body, auth: 'app', status: 403 });
      await call({ h: bare, op, body, status: 404 });
    }
  });
});

describe('bodies in a charset or encoding the service does not read', () => {
  const withBody = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => (item[m]?.requestBody ? [`${m.toUpperCase()} ${path}`] : [])),
  );

  it.each(withBody)('%s answers 415 to an unknown Content-Encoding, and a JSON route to a latin1 body', async (op) => {
    // The page's forms read no body before their link is known: give them a live one.
    const token = op.startsWith('POST /billing/') ? await linkFor(main, (await subscriber(main)).customer) : 'unused';
    const params = { customer: 'cus_openapi', token, hold: 'hold_openapi' };
    if (op.startsWith('POST /billing/')) {
      const form = 'application/x-www-form-urlencoded';
      await call({ op, params, raw: 'a=1', headers: { 'Content-Type': form, 'Content-Encoding': 'x-squash' }, status: 415 });
      await call({ op, params, raw: 'a=1', headers: { 'Content-Type': `${form}; charset=latin1` }, status: 415 });
      return;
    }
    await call({ op, params, raw: '{}', headers: { 'Content-Encoding': 'x-squash', 'Stripe-Signature': 't=1,v1=abc' }, status: 415 });
    // The webhook reads raw bytes, which are what Stripe signed, whatever charset the header names.
    if (op !== 'POST /webhooks/stripe') await call({ op, params, raw: '{}', headers: { 'Content-Type': 'application/json; charset=latin1' }, status: 415 });
  });
});

// ------------------------------------------------------------------ nothing documented goes unchecked

describe('coverage', () => {
  it('every documented status of every operation was answered by the app and checked above', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.flatMap((m) => {
        const operation = item[m];
        return operation ? Object.keys(operation.responses).map((status) => `${m.toUpperCase()} ${path} ${status}`) : [];
      }),
    );
    expect(documented.filter((d) => !exercised.has(d)).sort()).toEqual([]);
  });
});
