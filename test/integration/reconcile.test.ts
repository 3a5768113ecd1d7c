import type { Difference } from '../../src/domain/reconcile';
import type { Catalog } from '../../src/domain/catalog';
import type { LedgerDoc } from '../../src/store/models';
import { reconcileCommand } from '../../src/cli/commands/reconcile';
import { reconcileDepsOf } from '../../src/cli/stripeTools';
import {
  chargeObject,
  checkoutSessionObject,
  deliverOk,
  event,
  invoiceObject,
  invoicePaid,
  stripeId,
  topupMetadata,
} from '../fixtures/stripe';
import type Stripe from 'stripe';
import { FakeStripeObjects } from '../support/fakeStripeObjects';
import { balanceOf, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';

/** Output streams a test can read back. */
function streams(): { stdout: { write(t: string): boolean; text: string }; stderr: { write(t: string): boolean; text: string; isTTY: boolean } } {
  const stdout = { text: '', write: (t: string) => ((stdout.text += t), true) };
  const stderr = { text: '', isTTY: false, write: (t: string) => ((stderr.text += t), true) };
  return { stdout, stderr };
}

interface Run {
  code: number;
  report: { clean: boolean; differences: Difference[]; fixed: Difference[]; customers: number };
}

let h: Harness;
let catalog: Catalog;
let stripe: FakeStripeObjects;

async function runReconcile(args: string[]): Promise<Run> {
  const io = streams();
  const code = await reconcileCommand([...args, '--json'], {
    open: async () =>
      reconcileDepsOf(
        { config: { stripeSecretKey: 'sk_test_harness' }, service: h.service, stores: h.stores, clock: h.clock },
        stripe,
      ),
    clock: h.clock,
    io,
  });
  return { code, report: JSON.parse(io.stdout.text) };
}

function kinds(differences: Difference[]): string[] {
  return differences.map((d) => `${d.kind} ${d.object} ${d.remedy}`).sort();
}

beforeEach(async () => {
  catalog = structuredClone(testCatalog);
  h = await startHarness({ catalog });
  h.clock.set(new Date('2026-03-15T12:00:00Z'));
  stripe = new FakeStripeObjects();
});

afterEach(async () => {
  await h.close();
});

/** A paid top-up as Stripe holds it: the session and its charge. */
function paidTopup(customer: string, input: { session?: string; price?: string; quantity?: number; amount?: number } = {}) {
  const paymentIntent = stripeId('pi');
  const session = checkoutSessionObject({
    id: input.session ?? stripeId('cs_test'),
    customer,
    paymentIntent,
    amountTotal: input.amount ?? 1000,
    metadata: topupMetadata(input.price ?? 'price_topup_1k', input.quantity ?? 1),
  });
  const charge = chargeObject({ customer, paymentIntent, amount: input.amount ?? 1000 });
  return { session, charge, completed: event('checkout.session.completed', session, { created: '2026-03-12T00:00:00Z' }) satisfies Stripe.CheckoutSessionCompletedEvent };
}

describe('reconcile against a Stripe that drifted from the ledger', () => {
  test('when Stripe and the ledger agree, then reconcile reports clean and exits 0', async () => {
    const customer = stripeId('cus');
    const sub = stripeId('sub');
    const paid = invoicePaid({ customer, subscription: sub, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    await deliverOk(h.app, paid);
    const topup = paidTopup(customer);
    await deliverOk(h.app, topup.completed);
    stripe.customers.push(customer);
    stripe.invoices.push(paid.data.object);
    stripe.sessions.push(topup.session);
    stripe.charges_.push(topup.charge);

    const run = await runReconcile([]);

    expect(run.report.differences).toEqual([]);
    expect(run.report.clean).toBe(true);
    expect(run.code).toBe(0);
  });

  test('when webhooks were lost, a grant doubled by hand, an event parked, a refund missed and a price left the catalog, then reconcile finds each, --fix repairs the repairable ones and what remains needs a person', async () => {
    const customer = stripeId('cus');
    const stranger = stripeId('cus');
    stripe.customers.push(customer, stranger);

    // In step: a paid month, delivered.
    const ok = invoicePaid({ customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' });
    await deliverOk(h.app, ok);
    stripe.invoices.push(ok.data.object);

    // A lost webhook: Stripe was paid, the ledger never heard.
    const lost = invoiceObject({ customer, subscription: stripeId('sub'), periodStart: '2026-03-10T00:00:00Z', periodEnd: '2026-04-10T00:00:00Z' });
    stripe.invoices.push(lost);

    // A grant doubled by hand: a second grant entry for the same top-up bucket, written straight into the ledger.
    const doubled = paidTopup(customer);
    await deliverOk(h.app, doubled.completed);
    stripe.sessions.push(doubled.session);
    stripe.charges_.push(doubled.charge);
    await h.stores.connection.collection<LedgerDoc>('ledger').insertOne({
      _id: `${customer}:copied-by-hand`,
      customer,
      seq: 9999,
      type: 'grant',
      amount: 1000,
      balanceAfter: 7000,
      at: new Date('2026-03-12T00:00:00Z'),
      bucket: `topup:${doubled.session.id}`,
      ref: doubled.session.id,
      opKey: `grant:topup:${doubled.session.id}:copy`,
      allocations: [],
      requestHash: null,
      reason: null,
      metadata: null,
    });

    // A parked event: a plan the catalog did not sell yet; the operator has since added it.
    const team = invoicePaid(
      { customer, subscription: stripeId('sub'), price: 'price_team_m', periodStart: '2026-03-05T00:00:00Z', periodEnd: '2026-04-05T00:00:00Z' },
      { created: '2026-03-05T00:00:00Z' },
    );
    expect(await deliverOk(h.app, team)).toBe('parked');
    stripe.invoices.push(team.data.object);
    catalog.plans.push({ id: 'team', monthlyCredits: 2000, trialCredits: 0, prices: [{ price: 'price_team_m', months: 1 }] });

    // A refund never applied: half of a top-up refunded in Stripe, no charge.refunded delivered.
    const refunded = paidTopup(customer);
    await deliverOk(h.app, refunded.completed);
    stripe.sessions.push(refunded.session);
    stripe.charges_.push({ ...refunded.charge, amount_refunded: 500 });

    // A price no longer in the catalog: a renewal of a retired plan.
    const legacy = invoiceObject({ customer, subscription: stripeId('sub'), price: 'price_legacy_m', periodStart: '2026-03-02T00:00:00Z', periodEnd: '2026-04-02T00:00:00Z' });
    stripe.invoices.push(legacy);

    // A Stripe customer we hold no account for paid for a top-up we never heard of.
    const strangers = paidTopup(stranger);
    stripe.sessions.push(strangers.session);
    stripe.charges_.push(strangers.charge);

    const found = await runReconcile([]);

    expect(found.code).toBe(1);
    expect(kinds(found.report.differences)).toEqual(
      expect.arrayContaining(
        [
          `missing_grant ${lost.id} fix`,
          `missing_grant ${team.data.object.id} fix`,
          `parked_event ${team.id} fix`,
          `doubled_grant topup:${doubled.session.id} person`,
          `refund_not_applied ${refunded.charge.id} fix`,
          `cannot_apply ${legacy.id} person`,
          `missing_grant ${strangers.session.id} fix`,
        ].sort(),
      ),
    );
    // The entry copied by hand also breaks the ledger's own invariants: a person must look at it.
    const breaches = found.report.differences.filter((d) => d.kind === 'ledger_invariant');
    expect(breaches.map((d) => d.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/^ledger_sum: /), expect.stringMatching(/^sequence_gap: /)]));
    expect(breaches.every((d) => d.customer === customer && d.remedy === 'person')).toBe(true);
    const strangerRow = found.report.differences.find((d) => d.object === strangers.session.id);
    expect(strangerRow).toMatchObject({ customer: stranger, expected: 1000, actual: 0 });

    const fixed = await runReconcile(['--fix']);

    expect(fixed.code).toBe(1);
    expect(kinds(fixed.report.fixed)).toEqual(
      [
        `missing_grant ${lost.id} fix`,
        `missing_grant ${team.data.object.id} fix`,
        `parked_event ${team.id} fix`,
        `refund_not_applied ${refunded.charge.id} fix`,
        `missing_grant ${strangers.session.id} fix`,
      ].sort(),
    );
    expect(fixed.report.differences.every((d) => d.remedy === 'person')).toBe(true);
    // 5000 (in step) + 5000 (lost month) + 2000 (team) + 1000 (doubled top-up, once) + 1000 − 500 (refunded top-up)
    expect(await balanceOf(h.app, customer)).toBe(13500);
    expect(await balanceOf(h.app, stranger)).toBe(1000);

    const again = await runReconcile([]);

    expect(again.code).toBe(1);
    expect(again.report.differences.length).toBeGreaterThan(0);
    expect(again.report.differences.every((d) => d.remedy === 'person')).toBe(true);
    expect(kinds(again.report.differences)).toEqual(
      expect.arrayContaining([`doubled_grant topup:${doubled.session.id} person`, `cannot_apply ${legacy.id} person`]),
    );
    expect(again.report.fixed).toEqual([]);
  });

  test('when --fix runs twice, then the second run repairs nothing more and the balance is unchanged', async () => {
    const customer = stripeId('cus');
    stripe.customers.push(customer);
    const lost = paidTopup(customer);
    stripe.sessions.push(lost.session);

    expect((await runReconcile(['--fix'])).code).toBe(0);
    expect(await balanceOf(h.app, customer)).toBe(1000);
    const second = await runReconcile(['--fix', '--customer', customer]);

    expect(second.code).toBe(0);
    expect(second.report.fixed).toEqual([]);
    expect(await balanceOf(h.app, customer)).toBe(1000);
  });

  test('when the ledger holds a top-up Stripe never sold, then it is an extra grant for a person, never removed by --fix', async () => {
    const customer = stripeId('cus');
    stripe.customers.push(customer);
    const ghost = paidTopup(customer);
    await deliverOk(h.app, ghost.completed);

    const run = await runReconcile(['--fix']);

    expect(run.code).toBe(1);
    expect(kinds(run.report.differences)).toEqual([`extra_grant topup:${ghost.session.id} person`]);
    expect(await balanceOf(h.app, customer)).toBe(1000);
    expect(stripe.calls).toContain(`checkout.sessions.retrieve ${ghost.session.id}`);
  });

  test('when --since is given, then only Stripe objects created since are listed and older grants are not called extra', async () => {
    const customer = stripeId('cus');
    stripe.customers.push(customer);
    const old = paidTopup(customer);
    await deliverOk(h.app, { ...old.completed, created: Math.floor(new Date('2026-01-10T00:00:00Z').getTime() / 1000) });
    stripe.sessions.push({ ...old.session, created: Math.floor(new Date('2026-01-10T00:00:00Z').getTime() / 1000) });
    const recent = invoiceObject({ customer, subscription: stripeId('sub'), periodStart: '2026-03-10T00:00:00Z', periodEnd: '2026-04-10T00:00:00Z' });
    stripe.invoices.push(recent);

    const run = await runReconcile(['--since', '2026-03-01T00:00:00Z', '--customer', customer]);

    expect(kinds(run.report.differences)).toEqual([`missing_grant ${recent.id} fix`]);
    expect(run.report.customers).toBe(1);
  });
});
