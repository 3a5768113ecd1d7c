import { emptyAccount } from '../../src/domain/account';
import type { Bucket } from '../../src/domain/account';
import { AccountDraft } from '../../src/domain/draft';
import { DomainError } from '../../src/domain/errors';
import { debit, isSpendable } from '../../src/domain/spend';

const d = (iso: string): Date => new Date(iso);

function bucket(id: string, remaining: number, expiresAt: string | null, grantedAt = '2026-01-01T00:00:00Z'): Bucket {
  return {
    id,
    source: expiresAt ? 'subscription' : 'topup',
    granted: remaining,
    remaining,
    grantedAt: d(grantedAt),
    expiresAt: expiresAt ? d(expiresAt) : null,
    expired: false,
    ref: id,
    revoked: 0,
    shortfall: 0,
  };
}

function draftWith(...buckets: Bucket[]): AccountDraft {
  const state = emptyAccount('cus_1');
  state.buckets = buckets;
  state.balance = buckets.reduce((s, b) => s + b.remaining, 0);
  return new AccountDraft(state);
}

const request = (amount: number, at = '2026-01-15T00:00:00Z') => ({
  amount,
  idempotencyKey: `k${amount}`,
  requestHash: 'h',
  reason: null,
  metadata: null,
  at: d(at),
});

describe('spending credits', () => {
  test('when buckets expire at different times, then the soonest expiry is spent first and never-expiring last', () => {
    const draft = draftWith(
      bucket('topup', 100, null),
      bucket('later', 100, '2026-03-01T00:00:00Z'),
      bucket('sooner', 100, '2026-02-01T00:00:00Z'),
    );
    const entry = debit(draft, request(250));
    expect(entry.allocations).toEqual([
      { bucket: 'sooner', amount: 100 },
      { bucket: 'later', amount: 100 },
      { bucket: 'topup', amount: 50 },
    ]);
    expect(entry.balanceAfter).toBe(50);
  });

  test('when two buckets expire together, then the oldest grant is spent first', () => {
    const draft = draftWith(
      bucket('new', 10, '2026-02-01T00:00:00Z', '2026-01-10T00:00:00Z'),
      bucket('old', 10, '2026-02-01T00:00:00Z', '2026-01-05T00:00:00Z'),
    );
    expect(debit(draft, request(5)).allocations).toEqual([{ bucket: 'old', amount: 5 }]);
  });

  test('when the balance is short, then nothing is taken and the error says insufficient_credits', () => {
    const draft = draftWith(bucket('a', 10, '2026-02-01T00:00:00Z'));
    expect(() => debit(draft, request(11))).toThrow(DomainError);
    expect(draft.state.buckets[0]?.remaining).toBe(10);
    expect(draft.entries).toEqual([]);
  });

  test('when a bucket expires at this very instant, then its credits are not spendable', () => {
    const b = bucket('a', 10, '2026-02-01T00:00:00Z');
    expect(isSpendable(b, d('2026-01-31T23:59:59.999Z'))).toBe(true);
    expect(isSpendable(b, d('2026-02-01T00:00:00Z'))).toBe(false);
    expect(() => debit(draftWith(b), request(1, '2026-02-01T00:00:00Z'))).toThrow('less than');
  });
});
