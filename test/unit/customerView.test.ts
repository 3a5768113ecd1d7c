import type { Catalog } from '../../src/domain/catalog';
import { customerView } from '../../src/domain/customerView';
import { isRunningLow, lowBalanceThreshold } from '../../src/domain/lowBalance';
import type { BalanceView, BucketView, SubscriptionView } from '../../src/domain/view';

const at = (iso: string): Date => new Date(iso);

const catalog: Catalog = {
  plans: [
    { id: 'pro', monthlyCredits: 5000, trialCredits: 100, prices: [{ price: 'price_pro_m', months: 1 }, { price: 'price_pro_q', months: 3 }, { price: 'price_pro_y', months: 12 }] },
    { id: 'max', monthlyCredits: 20000, trialCredits: 0, prices: [{ price: 'price_max_m', months: 1 }] },
    { id: 'mega', monthlyCredits: 50000, trialCredits: 0, prices: [{ price: 'price_mega_m', months: 1 }] },
  ],
  topups: [{ price: 'price_topup_1k', credits: 1000 }],
  topupExpiry: 'never',
  upgradeCredits: 'on_payment',
  lowBalance: { percent: 10 },
};

function slot(remaining: number, start: string, end: string, granted = 5000): BucketView {
  return { id: `slot:sub_1:${start}`, source: 'subscription', granted, remaining, grantedAt: at(start), expiresAt: at(end) };
}

function topup(remaining: number, expiresAt: string | null = null): BucketView {
  return { id: `topup:cs_${remaining}`, source: 'topup', granted: remaining, remaining, grantedAt: at('2026-01-05T00:00:00Z'), expiresAt: expiresAt ? at(expiresAt) : null };
}

function subscription(changes: Partial<SubscriptionView>): SubscriptionView {
  return { id: 'sub_1', plan: 'pro', price: 'price_pro_m', months: 1, status: 'active', termStart: null, termEnd: null, cancelAtPeriodEnd: false, ...changes };
}

function balance(input: Partial<BalanceView> & Pick<BalanceView, 'buckets'>): BalanceView {
  const total = input.buckets.reduce((sum, b) => sum + b.remaining, 0);
  return { customer: 'cus_1', balance: total, available: total, held: 0, subscription: null, nextGrant: null, ...input };
}

describe('the customer view of an account', () => {
  it('when a monthly plan is active, then this month resets to the plan on the renewal date, which brings the plan again', () => {
    const view = customerView(
      balance({
        buckets: [slot(3500, '2026-03-10T00:00:00Z', '2026-04-10T00:00:00Z')],
        subscription: subscription({ termStart: at('2026-03-10T00:00:00Z'), termEnd: at('2026-04-10T00:00:00Z') }),
        nextGrant: { at: at('2026-04-10T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2026-03-20T00:00:00Z'),
    );

    expect(view.month).toEqual({ remaining: 3500, granted: 5000, endsAt: at('2026-04-10T00:00:00Z'), refill: 5000 });
    expect(view.plan).toMatchObject({ plan: 'pro', term: 'monthly', nextMonthly: null, renewal: { at: at('2026-04-10T00:00:00Z'), credits: 5000 }, endsAt: null });
    expect(view.low).toBe(false);
    expect(view.waysOut).toEqual([]);
  });

  it('when a quarterly plan is in its second month, then the next monthly grant and the term renewal are told apart', () => {
    const view = customerView(
      balance({
        buckets: [slot(4000, '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z')],
        subscription: subscription({ price: 'price_pro_q', months: 3, termStart: at('2026-03-01T00:00:00Z'), termEnd: at('2026-06-01T00:00:00Z') }),
        nextGrant: { at: at('2026-05-01T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2026-04-15T00:00:00Z'),
    );

    expect(view.plan).toMatchObject({
      term: 'quarterly',
      nextMonthly: { at: at('2026-05-01T00:00:00Z'), credits: 5000 },
      renewal: { at: at('2026-06-01T00:00:00Z'), credits: 5000 },
    });
    expect(view.month?.refill).toBe(5000);
  });

  it('when an annual plan is paid, then its term is annual and renews at the end of the year', () => {
    const view = customerView(
      balance({
        buckets: [slot(5000, '2026-01-31T00:00:00Z', '2026-02-28T00:00:00Z')],
        subscription: subscription({ price: 'price_pro_y', months: 12, termStart: at('2026-01-31T00:00:00Z'), termEnd: at('2027-01-31T00:00:00Z') }),
        nextGrant: { at: at('2026-02-28T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2026-02-01T00:00:00Z'),
    );

    expect(view.plan).toMatchObject({ term: 'annual', nextMonthly: { at: at('2026-02-28T00:00:00Z') }, renewal: { at: at('2027-01-31T00:00:00Z'), credits: 5000 } });
  });

  it('when a subscription is trialing, then its renewal after the trial brings the plan’s monthly credits', () => {
    const view = customerView(
      balance({
        buckets: [slot(100, '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z', 100)],
        subscription: subscription({ status: 'trialing', termStart: at('2026-03-01T00:00:00Z'), termEnd: at('2026-03-15T00:00:00Z') }),
        nextGrant: { at: at('2026-03-15T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2026-03-02T00:00:00Z'),
    );

    expect(view.plan).toMatchObject({ status: 'trialing', renewal: { at: at('2026-03-15T00:00:00Z'), credits: 5000 } });
    // 100 trial credits are the month's whole allotment: 10 percent of it is 10, so 100 is not low.
    expect(view.low).toBe(false);
  });

  it('when a quarterly plan is set to cancel at period end, then it ends instead of renewing and the paid months still come', () => {
    const view = customerView(
      balance({
        buckets: [slot(5000, '2026-12-30T00:00:00Z', '2027-01-30T00:00:00Z')],
        subscription: subscription({ price: 'price_pro_q', months: 3, termStart: at('2026-11-30T00:00:00Z'), termEnd: at('2027-02-28T00:00:00Z'), cancelAtPeriodEnd: true }),
        nextGrant: { at: at('2027-01-30T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2027-01-01T00:00:00Z'),
    );

    expect(view.plan).toMatchObject({ renewal: null, endsAt: at('2027-02-28T00:00:00Z'), nextMonthly: { at: at('2027-01-30T00:00:00Z'), credits: 5000 } });
  });

  it('when there is no subscription and only top-up credits, then they are shown apart with their expiry, and no plan', () => {
    const view = customerView(balance({ buckets: [topup(300, '2026-06-01T00:00:00Z'), topup(1000)] }), catalog, at('2026-03-01T00:00:00Z'));

    expect(view.month).toBeNull();
    expect(view.plan).toBeNull();
    expect(view.topups).toEqual([
      { remaining: 300, expiresAt: at('2026-06-01T00:00:00Z') },
      { remaining: 1000, expiresAt: null },
    ]);
    // A percentage of no monthly allotment is no threshold: 1300 credits are not low.
    expect(view.low).toBe(false);
  });

  it('when the account is out of credits, then the three ways out come in order: the next grant, top-ups, the bigger plans', () => {
    const view = customerView(
      balance({
        buckets: [slot(0, '2026-03-10T00:00:00Z', '2026-04-10T00:00:00Z')],
        subscription: subscription({ termStart: at('2026-03-10T00:00:00Z'), termEnd: at('2026-04-10T00:00:00Z') }),
        nextGrant: { at: at('2026-04-10T00:00:00Z'), credits: 5000 },
      }),
      catalog,
      at('2026-03-20T00:00:00Z'),
    );

    expect(view.low).toBe(true);
    expect(view.waysOut).toEqual([
      { kind: 'wait', at: at('2026-04-10T00:00:00Z'), credits: 5000 },
      { kind: 'topup', topups: catalog.topups },
      { kind: 'upgrade', plans: [{ id: 'max', monthlyCredits: 20000 }, { id: 'mega', monthlyCredits: 50000 }] },
    ]);
  });

  it('when a canceled customer with no plan is out of credits, then only top-ups are offered: nothing comes back and the portal cannot start a plan', () => {
    const view = customerView(
      balance({ buckets: [], subscription: subscription({ status: 'canceled', termStart: at('2026-01-01T00:00:00Z'), termEnd: at('2026-02-01T00:00:00Z') }) }),
      catalog,
      at('2026-03-01T00:00:00Z'),
    );

    expect(view.waysOut.map((w) => w.kind)).toEqual(['topup']);
    expect(view.plan).toMatchObject({ status: 'canceled', renewal: null, endsAt: null });
  });

  it('when the customer is on the biggest plan, then no upgrade is offered', () => {
    const view = customerView(
      balance({
        buckets: [slot(0, '2026-03-10T00:00:00Z', '2026-04-10T00:00:00Z', 50000)],
        subscription: subscription({ plan: 'mega', price: 'price_mega_m', termStart: at('2026-03-10T00:00:00Z'), termEnd: at('2026-04-10T00:00:00Z') }),
        nextGrant: { at: at('2026-04-10T00:00:00Z'), credits: 50000 },
      }),
      catalog,
      at('2026-03-20T00:00:00Z'),
    );

    expect(view.waysOut.map((w) => w.kind)).toEqual(['wait', 'topup']);
  });

  it('when manual credits are granted, then they count apart from plan and top-up credits', () => {
    const bonus: BucketView = { id: 'adjust:k', source: 'adjustment', granted: 250, remaining: 250, grantedAt: at('2026-03-01T00:00:00Z'), expiresAt: null };
    expect(customerView(balance({ buckets: [bonus] }), catalog, at('2026-03-02T00:00:00Z')).extra).toBe(250);
  });
});

describe('running low', () => {
  it.each([
    { case: '499 of a 5000 month under 10 percent', input: { available: 499, monthlyAllotment: 5000, rule: { percent: 10 } }, low: true },
    { case: 'exactly 10 percent', input: { available: 500, monthlyAllotment: 5000, rule: { percent: 10 } }, low: false },
    { case: '0 credits with no allotment', input: { available: 0, monthlyAllotment: null, rule: { percent: 10 } }, low: true },
    { case: '1 credit with no allotment and a percent rule', input: { available: 1, monthlyAllotment: null, rule: { percent: 10 } }, low: false },
    { case: '199 credits under a 200-credit rule', input: { available: 199, monthlyAllotment: null, rule: { credits: 200 } }, low: true },
    { case: '200 credits at a 200-credit rule', input: { available: 200, monthlyAllotment: 5000, rule: { credits: 200 } }, low: false },
    { case: '1 credit with the warning turned off (0 percent)', input: { available: 1, monthlyAllotment: 5000, rule: { percent: 0 } }, low: false },
    { case: '155 credits under 10 percent of 1,555', input: { available: 155, monthlyAllotment: 1555, rule: { percent: 10 } }, low: true },
    { case: '156 credits at 10 percent of 1,555', input: { available: 156, monthlyAllotment: 1555, rule: { percent: 10 } }, low: false },
  ])('when $case, then running low is $low', ({ input, low }) => {
    expect(isRunningLow(input)).toBe(low);
  });

  it('when the rule is a percent, then the threshold is that share of the month’s allotment', () => {
    expect(lowBalanceThreshold({ percent: 10 }, 20000)).toBe(2000);
    // Whole credits: under 155.5 is under 156, the number the credits.low signal reports.
    expect(lowBalanceThreshold({ percent: 10 }, 1555)).toBe(156);
    expect(lowBalanceThreshold({ percent: 10 }, null)).toBeNull();
    expect(lowBalanceThreshold({ credits: 300 }, null)).toBe(300);
  });
});
