import { reconcileCommand } from '../../src/cli/commands/reconcile';
import { replayCommand } from '../../src/cli/commands/replay';
import { eventReplayerOf, reconcileDepsOf } from '../../src/cli/stripeTools';
import { createStripeClient } from '../../src/stripe/client';
import { sdkStripeObjects } from '../../src/stripe/reconcileSource';
import { stripeMockUrl } from '../setup/peers';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/**
 * stripe-mock validates every request against Stripe's OpenAPI description and answers with fixture
 * objects: these tests prove reconcile and replay ask Stripe valid questions and read its answers.
 */

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function streams() {
  const stdout = { text: '', write: (t: string) => ((stdout.text += t), true) };
  const stderr = { text: '', isTTY: false, write: (t: string) => ((stderr.text += t), true) };
  return { stdout, stderr };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function context() {
  return { config: { stripeSecretKey: 'sk_test_harness' }, service: h.service, stores: h.stores, clock: h.clock };
}

describe('reconcile and replay against stripe-mock', () => {
  const objects = sdkStripeObjects(createStripeClient({ secretKey: 'sk_test_requests', apiUrl: stripeMockUrl() }));
  const since = new Date('2026-01-01T00:00:00Z');

  test('when reconcile lists one customer, then every listing is a valid request and parses as its Stripe object', async () => {
    const [customers, invoices, sessions, charges, disputes] = await Promise.all([
      all(objects.customerIds()),
      all(objects.paidInvoices('cus_requests', since)),
      all(objects.completedCheckoutSessions('cus_requests', since)),
      all(objects.charges('cus_requests')),
      all(objects.disputes('ch_requests')),
    ]);

    expect(customers.every((id) => id.startsWith('cus_'))).toBe(true);
    expect(invoices.map((i) => i.object)).toContain('invoice');
    expect(sessions.map((s) => s.object)).toContain('checkout.session');
    expect(charges.map((c) => c.object)).toContain('charge');
    expect(disputes.map((d) => d.object)).toContain('dispute');
  });

  test('when reconcile confirms a grant by id, then the retrieve requests are valid', async () => {
    const invoice = await objects.invoice('in_requests');
    const session = await objects.checkoutSession('cs_test_requests');

    expect(invoice?.object).toBe('invoice');
    expect(session?.object).toBe('checkout.session');
  });

  test('when the whole reconcile runs on the SDK, then it completes and reports (exit 0 or 1, never a failure)', async () => {
    const io = streams();
    const code = await reconcileCommand(['--customer', 'cus_requests', '--since', since.toISOString(), '--json'], {
      open: async () => reconcileDepsOf(context()),
      clock: h.clock,
      io,
    });

    expect(io.stderr.text).toBe('');
    expect([0, 1]).toContain(code);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ customers: 1 });
  });

  test('when replay lists events since a time and fetches one event, then the requests are valid and each event is applied or ignored', async () => {
    const io = streams();
    const sinceCode = await replayCommand(['--since', new Date(h.clock.now().getTime() - 86_400_000).toISOString(), '--json'], {
      open: async () => eventReplayerOf(context()),
      clock: h.clock,
      io,
    });
    const one = streams();
    const oneCode = await replayCommand(['--event', 'evt_requests'], { open: async () => eventReplayerOf(context()), clock: h.clock, io: one });

    expect(io.stderr.text).toBe('');
    const body = JSON.parse(io.stdout.text);
    expect(body.counts.failed).toBe(0);
    expect(body.events.length).toBeGreaterThan(0);
    expect([0, 1]).toContain(sinceCode);
    expect(one.stderr.text).toBe('');
    expect(one.stdout.text).toMatch(/Replayed 1 event\(s\)/);
    expect([0, 1]).toContain(oneCode);
  });
});
