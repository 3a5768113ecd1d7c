import request from 'supertest';
import { reconcileCommand } from '../../src/cli/commands/reconcile';
import { eventReplayerOf, reconcileDepsOf } from '../../src/cli/stripeTools';
import type { Difference } from '../../src/domain/reconcile';
import { chargeObject, event, invoicePaid, signatureFor, stripeId, unix } from '../fixtures/stripe';
import { FakeStripeObjects } from '../support/fakeStripeObjects';
import { asApp, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * Bodies signed with the right secret that are not valid Stripe events. Stripe retries any non-2xx for
 * three days, so none may answer 500: one that can be recorded (a string id and type) is parked with
 * the reason, one that cannot answers 400 and stores nothing.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterAll(() => h.close());

/** Signed with the right secret: only what is inside the body is wrong. */
function postSigned(body: string): request.Test {
  return request(h.app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signatureFor(body)).send(body);
}

async function stored(): Promise<{ events: number; accounts: number; ledger: number }> {
  const db = h.stores.connection;
  return {
    events: await db.collection('stripe_events').countDocuments(),
    accounts: await db.collection('accounts').countDocuments(),
    ledger: await db.collection('ledger').countDocuments(),
  };
}

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

/** A paid invoice of a new customer, as JSON a test can break anywhere. */
function paidInvoiceJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(invoicePaid({ customer: stripeId('cus'), subscription: stripeId('sub'), ...MARCH })));
}

/** A fresh paid invoice event with the value at a dotted path (`data.object.lines.data.0.period.end`) replaced. */
function broken(path: string, value: unknown): Record<string, unknown> {
  const evt = paidInvoiceJson();
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = evt;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = value;
  return evt;
}

const LINE = 'data.object.lines.data.0';

describe('when a signed body has no usable id or type, then it answers 400 naming the problem and stores nothing', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  it.each([
    ['an empty list', '[]', 'must be a JSON object'],
    ['null', 'null', 'must be a JSON object'],
    ['a number', '7', 'must be a JSON object'],
    ['a string', '"str"', 'must be a JSON object'],
    ['not JSON at all', '{"id": "evt_1", "type": ', 'not JSON'],
    ['arrays nested 100,000 deep', deep(100_000), 'nests deeper than'],
    ['an object with no id', JSON.stringify({ object: 'event', type: 'invoice.paid', data: { object: {} } }), 'event.id'],
    ['an id that is an object', JSON.stringify({ id: { $gt: '' }, object: 'event', type: 'invoice.paid', data: { object: {} } }), 'event.id'],
    ['an empty id', JSON.stringify({ id: '', object: 'event', type: 'invoice.paid', data: { object: {} } }), 'event.id'],
    ['an id of 300 characters', JSON.stringify({ id: `evt_${'x'.repeat(296)}`, type: 'invoice.paid', data: { object: {} } }), 'event.id'],
    ['type null', JSON.stringify({ id: stripeId('evt'), object: 'event', type: null, data: { object: {} } }), 'event.type'],
    ['a usable id inside a body nested 1,000 deep', JSON.stringify({ id: stripeId('evt'), type: 'invoice.paid', data: { object: JSON.parse(deep(1000)) } }), 'nests deeper than'],
  ])('%s', async (_case, body, named) => {
    const before = await stored();
    const res = await postSigned(body);
    expect({ status: res.status, type: res.body?.error?.type }).toEqual({ status: 400, type: 'invalid_event' });
    expect(res.body.error.message).toContain(named);
    expect(await stored()).toEqual(before);
  });
});

interface Parked {
  name: string;
  body: Record<string, unknown>;
  reason: string;
}

const PARKED: Parked[] = [
  { name: 'no data', body: { id: stripeId('evt'), object: 'event', type: 'invoice.paid', created: unix('2026-03-01'), livemode: false }, reason: 'event.data' },
  { name: 'data.object null', body: { ...paidInvoiceJson(), data: { object: null } }, reason: 'event.data.object' },
  { name: 'data.object a string', body: { ...paidInvoiceJson(), data: { object: 'in_123' } }, reason: 'event.data.object' },
  { name: 'created 1e15', body: { ...paidInvoiceJson(), created: 1e15 }, reason: 'event.created' },
  { name: 'created "yesterday"', body: { ...paidInvoiceJson(), created: 'yesterday' }, reason: 'event.created' },
  { name: 'livemode "no"', body: { ...paidInvoiceJson(), livemode: 'no' }, reason: 'event.livemode' },
  { name: 'lines null', body: broken('data.object.lines', null), reason: 'data.object.lines' },
  { name: 'lines.data a string', body: broken('data.object.lines.data', 'il_1'), reason: 'data.object.lines.data' },
  { name: 'a line period null', body: broken(`${LINE}.period`, null), reason: 'data.object.lines.data.0.period' },
  { name: 'a period start of "yesterday"', body: broken(`${LINE}.period.start`, 'yesterday'), reason: 'data.object.lines.data.0.period.start' },
  { name: 'a period start of -1e15', body: broken(`${LINE}.period.start`, -1e15), reason: 'data.object.lines.data.0.period.start' },
  { name: 'a period end of 1e15 (once an endless slot loop)', body: broken(`${LINE}.period.end`, 1e15), reason: 'data.object.lines.data.0.period.end' },
  { name: 'a customer that is a query operator', body: broken('data.object.customer', { $gt: '' }), reason: 'data.object.customer' },
  { name: 'a subtotal of 1.5', body: broken('data.object.subtotal', 1.5), reason: 'data.object.subtotal' },
  {
    name: 'a monthly price billed for ten years',
    body: broken(`${LINE}.period.end`, unix('2036-03-01T00:00:00Z')),
    reason: 'longer than the 1-month price allows',
  },
  {
    name: 'a refund of 1.5 cents',
    body: { ...event('charge.refunded', { ...chargeObject({ customer: stripeId('cus'), paymentIntent: stripeId('pi'), amount: 1000 }), amount_refunded: 1.5 }) },
    reason: 'data.object.amount_refunded',
  },
];

describe('when a signed event has a usable id and type but cannot be read, then it is parked with the reason', () => {
  it.each(PARKED.map((p) => [p.name, p] as const))('%s', async (_name, { body, reason }) => {
    const res = await postSigned(JSON.stringify(body));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { received: true, status: 'parked' } });
    const event = await h.stores.events.get(String(body['id']));
    expect(event?.status).toBe('parked');
    expect(event?.reason).toContain(reason);
  });

  it('then replay --parked tries each again and parks it again, saying why', async () => {
    const replayer = eventReplayerOf(
      { config: { stripeSecretKey: 'sk_test_harness' }, service: h.service, stores: h.stores, clock: h.clock },
      { async *since() { yield* []; }, retrieve: async () => null },
    );
    const replayed = new Map<string, { status: string; reason: string | null }>();
    for await (const result of replayer.parked()) replayed.set(result.id, result);
    for (const { body, reason } of PARKED) {
      expect(replayed.get(String(body['id']))).toEqual(expect.objectContaining({ status: 'parked', reason: expect.stringContaining(reason) }));
    }
  });

  it('then reconcile lists each as a parked event for a person', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true, isTTY: false } };
    const context = { config: { stripeSecretKey: 'sk_test_harness' }, service: h.service, stores: h.stores, clock: h.clock };
    const code = await reconcileCommand(['--json'], { open: async () => reconcileDepsOf(context, new FakeStripeObjects()), clock: h.clock, io });
    const differences: Difference[] = JSON.parse(out).differences;
    expect(code).toBe(1);
    for (const { body, reason } of PARKED) {
      expect(differences).toContainEqual(
        expect.objectContaining({ kind: 'parked_event', object: String(body['id']), remedy: 'person', detail: expect.stringContaining(reason) }),
      );
    }
  });

  it('then the service still answers, and no account was made from any of them', async () => {
    await request(h.app).get('/healthz').expect(200);
    const customers = PARKED.flatMap(({ body }) => {
      const object = (body['data'] as { object?: { customer?: unknown } } | undefined)?.object;
      return typeof object?.customer === 'string' ? [object.customer] : [];
    });
    for (const customer of customers) await request(h.app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(404);
  });
});

describe('when the same poison invoice is retried, as Stripe would for days', () => {
  it('then every delivery is parked again, never applied and never a 500', async () => {
    const poison = broken(`${LINE}.period.end`, 1e15);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postSigned(JSON.stringify(poison))).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect((await h.stores.events.get(String(poison['id'])))?.status).toBe('parked');
  });
});
