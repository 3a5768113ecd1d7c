import { emptyAccount } from '../../src/domain/account';
import type { TopupExpiry } from '../../src/domain/catalog';
import { AccountDraft } from '../../src/domain/draft';
import { recordDispute, recordRefund, refundTarget } from '../../src/domain/reversals';
import type { DisputeNotice, RefundNotice } from '../../src/domain/reversals';
import { settle } from '../../src/domain/settle';
import { debit } from '../../src/domain/spend';
import { startTerm } from '../../src/domain/subscriptions';
import { grantTopup, topupExpiresAt } from '../../src/domain/topups';
import type { PaidTopup } from '../../src/domain/topups';

const d = (iso: string): Date => new Date(iso);
const BUCKET = 'topup:cs_1';

function topup(overrides: Partial<PaidTopup> = {}): PaidTopup {
  return { session: 'cs_1', paymentIntent: 'pi_1', credits: 1000, paidAt: d('2026-03-10T00:00:00Z'), expiry: 'never', ...overrides };
}

const refund = (amountRefunded: number, at = '2026-03-11T00:00:00Z'): RefundNotice => ({
  paymentIntent: 'pi_1',
  charge: 'ch_1',
  amount: 2000,
  amountRefunded,
  invoice: null,
  at: d(at),
});

const dispute = (status: DisputeNotice['status']): DisputeNotice => ({ id: 'dp_1', paymentIntent: 'pi_1', charge: 'ch_1', status, at: d('2026-03-12T00:00:00Z') });

type Step = { grant: PaidTopup } | { refund: RefundNotice } | { dispute: DisputeNotice } | { spend: number };

function run(steps: Step[]): AccountDraft {
  const draft = new AccountDraft(emptyAccount('cus_1'));
  steps.forEach((step, i) => {
    if ('grant' in step) grantTopup(draft, step.grant);
    else if ('refund' in step) recordRefund(draft, step.refund);
    else if ('dispute' in step) recordDispute(draft, step.dispute);
    else debit(draft, { amount: step.spend, idempotencyKey: `k${i}`, requestHash: 'h', reason: null, metadata: null, at: d('2026-03-10T12:00:00Z') });
  });
  return draft;
}

const effects = (draft: AccountDraft): [string, number][] => draft.entries.filter((e) => e.type !== 'debit').map((e) => [e.type, e.amount]);
const bucketOf = (draft: AccountDraft) => draft.state.buckets.find((b) => b.id === BUCKET);

describe('granting a top-up', () => {
  test('when the same session is granted twice, then it is granted once', () => {
    const draft = run([{ grant: topup() }, { grant: topup() }]);
    expect(effects(draft)).toEqual([['grant', 1000]]);
    expect(draft.state.topups).toHaveLength(1);
  });

  const withSlot = (): AccountDraft => {
    const draft = new AccountDraft(emptyAccount('cus_1'));
    startTerm(draft, {
      subscriptionId: 'sub_1', invoiceId: 'in_1', plan: 'pro', price: 'price_pro_q', months: 3, slotCredits: 5000, monthlyCredits: 5000,
      trial: false, start: d('2026-01-31T00:00:00Z'), end: d('2026-04-30T00:00:00Z'), paidAt: d('2026-01-31T00:00:00Z'),
    });
    return draft;
  };

  test.each<[string, TopupExpiry, string | null]>([
    ['never', 'never', null],
    ['cycle: with the current monthly slot (Feb 28 → Mar 31)', 'cycle', '2026-03-31T00:00:00.000Z'],
    ['30 days', { days: 30 }, '2026-04-09T00:00:00.000Z'],
  ])('when topupExpiry is %s, then the top-up expires accordingly', (_name, expiry, expected) => {
    expect(topupExpiresAt(withSlot().state, expiry, d('2026-03-10T00:00:00Z'))?.toISOString() ?? null).toBe(expected);
  });

  test('when topupExpiry is cycle and the customer has no current slot, then the top-up never expires', () => {
    expect(topupExpiresAt(emptyAccount('cus_1'), 'cycle', d('2026-03-10T00:00:00Z'))).toBeNull();
    expect(topupExpiresAt(withSlot().state, 'cycle', d('2026-05-10T00:00:00Z'))).toBeNull();
  });

  test('when a cycle top-up reaches its slot end, then it expires with the slot while a never top-up stays', () => {
    const draft = withSlot();
    settle(draft, d('2026-03-10T00:00:00Z'));
    grantTopup(draft, topup({ expiry: 'cycle' }));
    grantTopup(draft, topup({ session: 'cs_2', paymentIntent: 'pi_2', expiry: 'never' }));
    settle(draft, d('2026-03-31T00:00:00Z'));
    expect(draft.bucket('topup:cs_1')).toMatchObject({ expired: true, remaining: 0 });
    expect(draft.bucket('topup:cs_2')).toMatchObject({ expired: false, remaining: 1000 });
    expect(draft.state.balance).toBe(5000 + 1000);
  });
});

describe('refunds of a top-up', () => {
  test.each<[string, number[], number]>([
    ['a partial refund of a quarter', [500], 250],
    ['a partial then a full refund', [500, 2000], 1000],
    ['the same refund delivered twice', [500, 500], 250],
    ['a stale delivery after a newer one', [1500, 500], 750],
    ['a refund of a third (floored)', [667], 333],
  ])('when %s, then the revoked total is right', (_name, totals, revoked) => {
    const draft = run([{ grant: topup() }, ...totals.map((t) => ({ refund: refund(t) }))]);
    expect(bucketOf(draft)).toMatchObject({ remaining: 1000 - revoked, revoked, shortfall: 0 });
    expect(draft.state.balance).toBe(1000 - revoked);
  });

  test('when a partial then a full refund, then each level is its own revoke entry', () => {
    const draft = run([{ grant: topup() }, { refund: refund(500) }, { refund: refund(2000) }]);
    expect(draft.entries.map((e) => [e.type, e.amount, e.opKey])).toEqual([
      ['grant', 1000, 'grant:topup:cs_1'],
      ['revoke', -250, 'revoke:topup:cs_1:refund:250'],
      ['revoke', -750, 'revoke:topup:cs_1:refund:1000'],
    ]);
  });

  test('when credits were spent, then the refund never goes below zero and records the shortfall', () => {
    const draft = run([{ grant: topup() }, { spend: 900 }, { refund: refund(2000) }]);
    expect(bucketOf(draft)).toMatchObject({ remaining: 0, revoked: 100, shortfall: 900 });
    expect(draft.state.balance).toBe(0);
  });

  test('when the refund arrives before the top-up, then the ledger ends the same as in order', () => {
    const inOrder = run([{ grant: topup() }, { refund: refund(500) }]);
    const reversed = run([{ refund: refund(500) }, { grant: topup() }]);
    expect(effects(reversed)).toEqual(effects(inOrder));
    expect(reversed.state.balance).toBe(750);
  });

  test('when a refund is not of a known top-up (a subscription invoice), then it is recorded and nothing is revoked', () => {
    const draft = run([{ refund: { ...refund(1000), paymentIntent: 'pi_invoice', invoice: 'in_9' } }]);
    expect(draft.entries).toEqual([]);
    expect(draft.state.payments).toEqual([{ paymentIntent: 'pi_invoice', charges: [{ id: 'ch_1', amount: 2000, amountRefunded: 1000, invoice: 'in_9' }], disputes: [] }]);
  });

  test.each([
    [2000, 0, 0],
    [2000, 1000, 500],
    [3, 1, 333],
  ])('refund target for a charge of %i refunded %i is %i credits', (amount, refunded, expected) => {
    expect(refundTarget(1000, [{ id: 'ch', amount, amountRefunded: refunded, invoice: null }])).toBe(expected);
  });
});

describe('disputes of a top-up', () => {
  test.each<[string, Step[], [string, number][], number]>([
    ['opened: revokes what remains', [{ grant: topup() }, { spend: 300 }, { dispute: dispute('open') }], [['grant', 1000], ['revoke', -700]], 0],
    ['won: restores exactly what was revoked', [{ grant: topup() }, { spend: 300 }, { dispute: dispute('open') }, { dispute: dispute('won') }], [['grant', 1000], ['revoke', -700], ['restore', 700]], 700],
    ['lost: nothing more', [{ grant: topup() }, { dispute: dispute('open') }, { dispute: dispute('lost') }], [['grant', 1000], ['revoke', -1000]], 0],
    ['won delivered twice: restores once', [{ grant: topup() }, { dispute: dispute('open') }, { dispute: dispute('won') }, { dispute: dispute('won') }], [['grant', 1000], ['revoke', -1000], ['restore', 1000]], 1000],
    ['closed before opened (out of order): same ledger', [{ grant: topup() }, { dispute: dispute('won') }, { dispute: dispute('open') }], [['grant', 1000], ['revoke', -1000], ['restore', 1000]], 1000],
    ['opened and won before the top-up arrived', [{ dispute: dispute('open') }, { dispute: dispute('won') }, { grant: topup() }], [['grant', 1000], ['revoke', -1000], ['restore', 1000]], 1000],
  ])('when a dispute is %s', (_name, steps, expected, balance) => {
    const draft = run(steps);
    expect(effects(draft)).toEqual(expected);
    expect(draft.state.balance).toBe(balance);
  });

  test('when a dispute revokes a partly spent top-up, then the spent part is the shortfall until it is won', () => {
    const opened = run([{ grant: topup() }, { spend: 300 }, { dispute: dispute('open') }]);
    expect(bucketOf(opened)).toMatchObject({ revoked: 700, shortfall: 300 });
    const won = run([{ grant: topup() }, { spend: 300 }, { dispute: dispute('open') }, { dispute: dispute('won') }]);
    expect(bucketOf(won)).toMatchObject({ remaining: 700, revoked: 0, shortfall: 0 });
  });
});
