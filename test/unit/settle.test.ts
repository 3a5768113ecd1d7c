import { emptyAccount } from '../../src/domain/account';
import type { AccountState } from '../../src/domain/account';
import { AccountDraft } from '../../src/domain/draft';
import { nextDueAt, settle } from '../../src/domain/settle';
import { availableCredits } from '../../src/domain/spend';
import { applySubscriptionSnapshot, startTerm } from '../../src/domain/subscriptions';
import type { PaidTerm, SubscriptionSnapshot } from '../../src/domain/subscriptions';

const d = (iso: string): Date => new Date(iso);

function paidTerm(overrides: Partial<PaidTerm> = {}): PaidTerm {
  return {
    subscriptionId: 'sub_1',
    invoiceId: 'in_1',
    plan: 'pro',
    price: 'price_pro_y',
    months: 12,
    slotCredits: 5000,
    monthlyCredits: 5000,
    trial: false,
    start: d('2026-01-31T00:00:00Z'),
    end: d('2027-01-31T00:00:00Z'),
    paidAt: d('2026-01-31T00:00:05Z'),
    ...overrides,
  };
}

function withTerm(term: PaidTerm): AccountState {
  const draft = new AccountDraft(emptyAccount('cus_1'));
  startTerm(draft, term);
  return draft.state;
}

function settledAt(state: AccountState, now: string): AccountDraft {
  const draft = new AccountDraft(state);
  settle(draft, d(now));
  return draft;
}

describe('settling an account to an instant', () => {
  test('when an annual term is paid, then only slot 0 is granted at once and it expires at Feb 28', () => {
    const draft = settledAt(withTerm(paidTerm()), '2026-01-31T00:00:05Z');
    expect(draft.entries.map((e) => [e.type, e.amount])).toEqual([['grant', 5000]]);
    expect(draft.state.buckets[0]?.expiresAt?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(nextDueAt(draft.state, d('2026-01-31T00:00:05Z'))?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });

  test.each([
    ['2026-02-27T23:59:59.999Z', 5000],
    ['2026-02-28T00:00:00.000Z', 5000],
    ['2026-07-15T00:00:00.000Z', 5000],
    ['2027-01-30T23:59:59.999Z', 5000],
    ['2027-01-31T00:00:00.000Z', 0],
  ])('when settled at %s, then %i credits are spendable', (now, expected) => {
    const draft = settledAt(withTerm(paidTerm()), now);
    expect(availableCredits(draft.state, d(now))).toBe(expected);
    expect(draft.state.balance).toBe(expected);
  });

  test('when the sweep was down for three boundaries, then each missed slot is granted and expired at its own instants', () => {
    const first = settledAt(withTerm(paidTerm()), '2026-02-01T00:00:00Z');
    const later = settledAt(first.state, '2026-05-01T00:00:00Z');
    expect(later.entries.map((e) => [e.type, e.amount, e.at.toISOString().slice(0, 10)])).toEqual([
      ['expire', -5000, '2026-02-28'],
      ['grant', 5000, '2026-02-28'],
      ['expire', -5000, '2026-03-31'],
      ['grant', 5000, '2026-03-31'],
      ['expire', -5000, '2026-04-30'],
      ['grant', 5000, '2026-04-30'],
    ]);
    expect(later.state.balance).toBe(5000);
  });

  test('when settled twice at the same instant, then the second time changes nothing', () => {
    const once = settledAt(withTerm(paidTerm()), '2026-06-01T00:00:00Z');
    const twice = settledAt(once.state, '2026-06-01T00:00:00Z');
    expect(twice.entries).toEqual([]);
    expect(twice.changed).toBe(false);
  });

  test('when a renewal is paid late, then slots that ended before the payment are not granted', () => {
    const state = withTerm(paidTerm({ start: d('2026-01-31T00:00:00Z'), end: d('2026-04-30T00:00:00Z'), months: 3, paidAt: d('2026-03-05T00:00:00Z') }));
    const draft = settledAt(state, '2026-03-05T00:00:00Z');
    expect(draft.entries.map((e) => [e.type, e.amount, e.at.toISOString().slice(0, 10)])).toEqual([['grant', 5000, '2026-03-05']]);
    expect(draft.state.buckets.map((b) => b.id)).toEqual(['slot:sub_1:2026-02-28T00:00:00.000Z']);
  });

  test('when the same term is started by invoice.paid and invoice.payment_succeeded, then it is one term', () => {
    const draft = new AccountDraft(emptyAccount('cus_1'));
    startTerm(draft, paidTerm());
    startTerm(draft, paidTerm());
    settle(draft, d('2026-02-01T00:00:00Z'));
    expect(draft.state.terms).toHaveLength(1);
    expect(draft.state.balance).toBe(5000);
  });
});

function snapshot(overrides: Partial<SubscriptionSnapshot>): SubscriptionSnapshot {
  return {
    id: 'sub_1',
    plan: 'pro',
    price: 'price_pro_q',
    months: 3,
    monthlyCredits: 5000,
    status: 'active',
    termStart: d('2026-01-31T00:00:00Z'),
    termEnd: d('2026-04-30T00:00:00Z'),
    cancelAtPeriodEnd: false,
    endedAt: null,
    asOf: d('2026-01-31T00:00:00Z'),
    ...overrides,
  };
}

describe('subscription state and slots', () => {
  const quarterly = (): AccountState =>
    withTerm(paidTerm({ price: 'price_pro_q', months: 3, end: d('2026-04-30T00:00:00Z') }));

  test('when a quarterly plan is deleted mid-term, then the current slot stays until its end and no later slot comes', () => {
    const draft = new AccountDraft(quarterly());
    settle(draft, d('2026-03-10T00:00:00Z'));
    applySubscriptionSnapshot(draft, snapshot({ status: 'canceled', endedAt: d('2026-03-10T00:00:00Z'), asOf: d('2026-03-10T00:00:00Z') }));
    settle(draft, d('2026-03-30T23:59:59Z'));
    expect(availableCredits(draft.state, d('2026-03-30T23:59:59Z'))).toBe(5000);
    settle(draft, d('2026-05-01T00:00:00Z'));
    expect(draft.state.balance).toBe(0);
    expect(draft.state.buckets).toHaveLength(2);
    expect(nextDueAt(draft.state, d('2026-05-01T00:00:00Z'))).toBeNull();
  });

  test('when canceled at period end, then every slot of the paid term still arrives', () => {
    const draft = new AccountDraft(quarterly());
    applySubscriptionSnapshot(draft, snapshot({ cancelAtPeriodEnd: true, asOf: d('2026-02-01T00:00:00Z') }));
    settle(draft, d('2026-04-01T00:00:00Z'));
    expect(draft.state.buckets).toHaveLength(3);
  });

  test('when the subscription is paused across a boundary, then that slot is not issued', () => {
    const draft = new AccountDraft(quarterly());
    applySubscriptionSnapshot(draft, snapshot({ status: 'paused', asOf: d('2026-02-20T00:00:00Z') }));
    settle(draft, d('2026-03-05T00:00:00Z'));
    expect(draft.state.buckets.map((b) => b.id)).toEqual(['slot:sub_1:2026-01-31T00:00:00.000Z']);
    applySubscriptionSnapshot(draft, snapshot({ status: 'active', asOf: d('2026-03-10T00:00:00Z') }));
    settle(draft, d('2026-04-01T00:00:00Z'));
    expect(draft.state.buckets.map((b) => b.id)).toEqual([
      'slot:sub_1:2026-01-31T00:00:00.000Z',
      'slot:sub_1:2026-03-31T00:00:00.000Z',
    ]);
  });

  test('when an older subscription snapshot arrives after a newer one, then it is ignored', () => {
    const draft = new AccountDraft(quarterly());
    applySubscriptionSnapshot(draft, snapshot({ cancelAtPeriodEnd: true, asOf: d('2026-02-02T00:00:00Z') }));
    applySubscriptionSnapshot(draft, snapshot({ cancelAtPeriodEnd: false, asOf: d('2026-02-01T00:00:00Z') }));
    expect(draft.state.subscriptions[0]?.cancelAtPeriodEnd).toBe(true);
  });

  test('when deletion arrives before the invoice that paid the term, then the new term issues nothing after the deletion', () => {
    const draft = new AccountDraft(emptyAccount('cus_1'));
    applySubscriptionSnapshot(draft, snapshot({ status: 'canceled', endedAt: d('2026-02-10T00:00:00Z'), asOf: d('2026-02-10T00:00:00Z') }));
    startTerm(draft, paidTerm({ months: 3, end: d('2026-04-30T00:00:00Z') }));
    settle(draft, d('2026-04-01T00:00:00Z'));
    expect(draft.state.buckets).toHaveLength(1);
  });
});
