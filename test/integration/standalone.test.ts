import request from 'supertest';
import { checkLedger } from '../../src/app/checkLedger';
import { startSecantus } from '../../src/peers/secantus';
import type { RunningMongo } from '../../src/peers/secantus';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { asAdmin, asApp, balanceOf, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * The suite runs on a one-member replica set (test/setup/globalSetup.ts); SPEC §7 also promises a standalone
 * server, where the driver sends no sessions or retryable writes and a majority read is the server's own
 * state. The paths that read for majority-committed answers, archive and sweep, on a standalone SecantusDB
 * (the mode of npm start's embedded server). test/integration/frozenDatabase.test.ts is standalone too.
 */
let mongo: RunningMongo;
let h: Harness;
beforeAll(async () => {
  mongo = await startSecantus({ storagePath: ':memory:' });
});
afterAll(async () => {
  await mongo?.stop();
});
beforeEach(async () => {
  h = await startHarness({ uri: `${mongo.uri}/standalone_${stripeId('db').slice(3)}` });
  h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterEach(() => h.close());

it('when the store runs on a standalone server, then grants, debits, their retries, a hold and a sweep that archives all hold', async () => {
  const hello = await h.stores.connection.db!.admin().command({ hello: 1 });
  expect(hello.setName).toBeUndefined();
  const customer = stripeId('cus');
  const subscription = stripeId('sub');
  await deliverOk(h.app, invoicePaid({ customer, subscription, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' }));
  const debit = { amount: 100, idempotencyKey: 'render-1' };
  const first = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(debit).expect(201);
  const again = await request(h.app).post(`/v1/customers/${customer}/debits`).set(asApp).send(debit).expect(200);
  const hold = await request(h.app).post(`/v1/customers/${customer}/holds`).set(asApp).send({ amount: 50, idempotencyKey: 'job-1' }).expect(201);
  const capture = `/v1/customers/${customer}/holds/${String(hold.body.hold.id)}/capture`;
  const captured = await request(h.app).post(capture).set(asApp).send({ amount: 30 }).expect(200);
  const recaptured = await request(h.app).post(capture).set(asApp).send({ amount: 30 }).expect(200);
  h.clock.set(new Date('2026-04-01T00:00:05Z'));
  await deliverOk(h.app, invoicePaid({ customer, subscription, billingReason: 'subscription_cycle', periodStart: '2026-04-01T00:00:00Z', periodEnd: '2026-05-01T00:00:00Z' }));
  h.clock.set(new Date('2026-05-01T00:00:00Z'));
  await request(h.app).post('/v1/admin/run-due').set(asAdmin).send({}).expect(200);

  expect(again.body).toEqual(first.body);
  expect(recaptured.body).toEqual(captured.body);
  expect((await h.stores.accounts.archivedRecords(customer)).map((r) => r.kind)).toContain('term');
  expect(await balanceOf(h.app, customer)).toBe(0);
  const breaches = [];
  for await (const check of checkLedger({ accounts: h.stores.accounts })) breaches.push(...check.breaches);
  expect(breaches).toEqual([]);
});
