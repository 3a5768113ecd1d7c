import type Stripe from 'stripe';
import { replayCommand } from '../../src/cli/commands/replay';
import { eventReplayerOf } from '../../src/cli/stripeTools';
import type { Catalog } from '../../src/domain/catalog';
import type { StripeEventFeed } from '../../src/stripe/replay';
import { checkoutSessionObject, deliverOk, event, invoicePaid, stripeId, topupMetadata } from '../fixtures/stripe';
import { balanceOf, startHarness, testCatalog } from '../support/harness';
import type { Harness } from '../support/harness';

function streams() {
  const stdout = { text: '', write: (t: string) => ((stdout.text += t), true) };
  const stderr = { text: '', isTTY: false, write: (t: string) => ((stderr.text += t), true) };
  return { stdout, stderr };
}

/** Stripe's event log as a list a test fills; listed newest first, like Stripe. */
class FakeEventFeed implements StripeEventFeed {
  readonly events: Stripe.Event[] = [];
  async *since(since: Date): AsyncGenerator<Stripe.Event> {
    const newestFirst = [...this.events].sort((a, b) => b.created - a.created);
    yield* newestFirst.filter((e) => e.created * 1000 >= since.getTime());
  }
  async retrieve(id: string): Promise<Stripe.Event | null> {
    return this.events.find((e) => e.id === id) ?? null;
  }
}

let h: Harness;
let catalog: Catalog;
let feed: FakeEventFeed;

beforeEach(async () => {
  catalog = structuredClone(testCatalog);
  h = await startHarness({ catalog });
  h.clock.set(new Date('2026-03-15T12:00:00Z'));
  feed = new FakeEventFeed();
});
afterEach(async () => {
  await h.close();
});

async function replay(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = streams();
  const context = { config: { stripeSecretKey: 'sk_test_harness' }, service: h.service, stores: h.stores, clock: h.clock };
  const code = await replayCommand(args, { open: async () => eventReplayerOf(context, feed), clock: h.clock, io });
  return { code, out: io.stdout.text, err: io.stderr.text };
}

function topupCompleted(customer: string, created: string): Stripe.CheckoutSessionCompletedEvent {
  const session = checkoutSessionObject({ customer, metadata: topupMetadata('price_topup_1k') });
  return event('checkout.session.completed', session, { created }) satisfies Stripe.CheckoutSessionCompletedEvent;
}

describe('replay', () => {
  test('when the service was down for a day, then replay --since applies what it missed, answers duplicate for the rest, and a second replay changes nothing', async () => {
    const customer = stripeId('cus');
    const delivered = invoicePaid(
      { customer, subscription: stripeId('sub'), periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' },
      { created: '2026-03-01T00:00:00Z' },
    );
    await deliverOk(h.app, delivered);
    const missed = topupCompleted(customer, '2026-03-14T09:00:00Z');
    feed.events.push(delivered, missed);

    const first = await replay(['--since', '2026-02-20T00:00:00Z']);

    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`processed\\s+${missed.id}\\s+checkout.session.completed\\s+${customer}`));
    expect(first.out).toMatch(new RegExp(`duplicate\\s+${delivered.id}`));
    expect(first.out).toMatch(/Replayed 2 event\(s\): 1 processed, 1 duplicate, 0 ignored, 0 parked, 0 failed\./);
    expect(await balanceOf(h.app, customer)).toBe(6000);

    const second = await replay(['--since', '2026-02-20T00:00:00Z', '--json']);

    expect(second.code).toBe(0);
    expect(JSON.parse(second.out).counts).toEqual({ processed: 0, duplicate: 2, ignored: 0, parked: 0, failed: 0 });
    expect(await balanceOf(h.app, customer)).toBe(6000);
  });

  test('when one event is named, then replay --event fetches and applies only it', async () => {
    const customer = stripeId('cus');
    const missed = topupCompleted(customer, '2026-03-14T09:00:00Z');
    feed.events.push(missed, topupCompleted(customer, '2026-03-14T10:00:00Z'));

    const run = await replay(['--event', missed.id, '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ events: [{ id: missed.id, status: 'processed', customer }], counts: { processed: 1 } });
    expect(await balanceOf(h.app, customer)).toBe(1000);
  });

  test('when the named event is not in Stripe, then replay --event fails with exit 3 and says so', async () => {
    const run = await replay(['--event', 'evt_nowhere']);

    expect(run.code).toBe(3);
    expect(run.err).toMatch(/no event evt_nowhere/);
  });

  test('when a parked event becomes appliable, then replay --parked applies it once; one that still cannot apply stays parked and the exit is 1', async () => {
    const customer = stripeId('cus');
    const team = invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_team_m', periodStart: '2026-03-05T00:00:00Z', periodEnd: '2026-04-05T00:00:00Z' });
    const legacy = invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_legacy_m', periodStart: '2026-03-05T00:00:00Z', periodEnd: '2026-04-05T00:00:00Z' });
    expect(await deliverOk(h.app, team)).toBe('parked');
    expect(await deliverOk(h.app, legacy)).toBe('parked');
    catalog.plans.push({ id: 'team', monthlyCredits: 2000, trialCredits: 0, prices: [{ price: 'price_team_m', months: 1 }] });

    const run = await replay(['--parked']);

    expect(run.code).toBe(1);
    expect(run.out).toMatch(new RegExp(`processed\\s+${team.id}`));
    expect(run.out).toMatch(new RegExp(`parked\\s+${legacy.id}.*unknown price price_legacy_m`));
    expect(await balanceOf(h.app, customer)).toBe(2000);

    const again = await replay(['--parked', '--json']);

    expect(JSON.parse(again.out).counts).toMatchObject({ processed: 0, parked: 1 });
    expect(await balanceOf(h.app, customer)).toBe(2000);
  });

  test.each([
    [['--since', '2026-02-01T00:00:00Z'], /--since 2026-02-01T00:00:00.000Z is older than Stripe keeps events \(30 days\)/],
    [['--since', 'yesterday'], /--since must be an ISO 8601 time/],
    [[], /exactly one of --since, --event or --parked/],
    [['--parked', '--event', 'evt_1'], /exactly one of --since, --event or --parked/],
    [['--event', 'in_123'], /--event must be a Stripe event id/],
    [['--parked', '--bogus'], /Unknown option '--bogus'/],
  ])('when replay is called with %j, then it is a usage error (exit 2) naming the problem', async (args, message) => {
    const run = await replay(args);

    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.err).toMatch(/Usage: npm run admin -- replay/);
  });
});
