import { emptyAccount } from '../../src/domain/account';
import { adjust } from '../../src/domain/adjust';
import type { AdjustmentRequest } from '../../src/domain/adjust';
import { AccountDraft } from '../../src/domain/draft';
import { DomainError } from '../../src/domain/errors';

const d = (iso: string): Date => new Date(iso);
const at = d('2026-03-10T12:00:00Z');

function draftWithSlotAndTopup(): AccountDraft {
  const draft = new AccountDraft(emptyAccount('cus_adj'));
  draft.grant({ id: 'topup:cs_1', source: 'topup', granted: 40, grantedAt: d('2026-03-02T00:00:00Z'), expiresAt: null, ref: 'cs_1' });
  draft.grant({ id: 'slot:sub_1:2026-03-01', source: 'subscription', granted: 100, grantedAt: d('2026-03-01T00:00:00Z'), expiresAt: d('2026-04-01T00:00:00Z'), ref: 'in_1' });
  return draft;
}

function request(amount: number, extra: Partial<AdjustmentRequest> = {}): AdjustmentRequest {
  return { amount, idempotencyKey: `key-${amount}`, requestHash: 'h', reason: 'support ticket 42', expiresAt: null, at, ...extra };
}

function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('adjustments', () => {
  it('when the amount is positive, then a bucket of source adjustment is granted and one adjust entry records it', () => {
    const draft = draftWithSlotAndTopup();
    const entry = adjust(draft, request(25, { expiresAt: d('2026-06-01T00:00:00Z') }));
    expect(draft.bucket('adjust:key-25')).toMatchObject({ source: 'adjustment', granted: 25, remaining: 25, grantedAt: at, expiresAt: d('2026-06-01T00:00:00Z'), ref: 'key-25' });
    expect(entry).toMatchObject({ type: 'adjust', amount: 25, balanceAfter: 165, bucket: 'adjust:key-25', ref: 'key-25', opKey: 'adjust:key-25', reason: 'support ticket 42' });
  });

  it('when the amount is negative, then credits are taken in spending order, soonest expiry first', () => {
    const draft = draftWithSlotAndTopup();
    const entry = adjust(draft, request(-120));
    expect(entry).toMatchObject({ type: 'adjust', amount: -120, balanceAfter: 20, bucket: null });
    expect(entry.allocations).toEqual([
      { bucket: 'slot:sub_1:2026-03-01', amount: 100 },
      { bucket: 'topup:cs_1', amount: 20 },
    ]);
  });

  it('when the amount is negative and larger than the balance, then nothing is taken: insufficient_credits', () => {
    const draft = draftWithSlotAndTopup();
    expect(errorOf(() => adjust(draft, request(-141))).code).toBe('insufficient_credits');
    expect(draft.state.balance).toBe(140);
    expect(draft.state.buckets.map((b) => b.remaining)).toEqual([40, 100]);
    expect(draft.entries).toHaveLength(2);
  });

  it.each([
    ['the amount is zero', request(0), 'amount'],
    ['the amount is not whole', request(2.5), 'amount'],
    ['expiresAt is now', request(10, { expiresAt: at }), 'expiresAt'],
    ['expiresAt has passed', request(10, { expiresAt: d('2026-03-01T00:00:00Z') }), 'expiresAt'],
    ['a negative amount names an expiry', request(-10, { expiresAt: d('2026-06-01T00:00:00Z') }), 'expiresAt'],
  ])('when %s, then invalid_request names %s', (_case, req, field) => {
    const error = errorOf(() => adjust(draftWithSlotAndTopup(), req));
    expect(error.code).toBe('invalid_request');
    expect(error.details).toEqual({ field });
  });
});
