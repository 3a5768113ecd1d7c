import { emptyAccount } from '../../src/domain/account';
import type { Bucket, BucketSource } from '../../src/domain/account';
import { AccountDraft } from '../../src/domain/draft';
import { debit } from '../../src/domain/spend';

const d = (iso: string): Date => new Date(iso);

function bucket(id: string, source: BucketSource, expiresAt: string | null, grantedAt: string): Bucket {
  return { id, source, granted: 100, remaining: 100, grantedAt: d(grantedAt), expiresAt: expiresAt ? d(expiresAt) : null, expired: false, ref: id, revoked: 0, shortfall: 0 };
}

function allocationOrder(buckets: Bucket[]): string[] {
  const state = emptyAccount('cus_1');
  state.buckets = buckets;
  state.balance = buckets.length * 100;
  const draft = new AccountDraft(state);
  const total = buckets.length * 100;
  return debit(draft, { amount: total, idempotencyKey: 'k', requestHash: 'h', reason: null, metadata: null, at: d('2026-03-10T00:00:00Z') }).allocations.map((a) => a.bucket);
}

describe('spending order across subscription, top-up and adjustment buckets', () => {
  test.each<[string, Bucket[], string[]]>([
    [
      'the monthly slot (ends soonest) before a never-expiring top-up',
      [bucket('topup', 'topup', null, '2026-03-01T00:00:00Z'), bucket('slot', 'subscription', '2026-04-01T00:00:00Z', '2026-03-05T00:00:00Z')],
      ['slot', 'topup'],
    ],
    [
      'a top-up expiring in 5 days before the monthly slot ending later',
      [bucket('slot', 'subscription', '2026-04-01T00:00:00Z', '2026-03-01T00:00:00Z'), bucket('topup', 'topup', '2026-03-15T00:00:00Z', '2026-02-13T00:00:00Z')],
      ['topup', 'slot'],
    ],
    [
      'a cycle top-up ending with the slot after the older slot grant',
      [bucket('topup', 'topup', '2026-04-01T00:00:00Z', '2026-03-08T00:00:00Z'), bucket('slot', 'subscription', '2026-04-01T00:00:00Z', '2026-03-01T00:00:00Z')],
      ['slot', 'topup'],
    ],
    [
      'never-expiring adjustment and top-up: the oldest first, after everything that expires',
      [
        bucket('topup-new', 'topup', null, '2026-03-09T00:00:00Z'),
        bucket('adjust-old', 'adjustment', null, '2026-02-01T00:00:00Z'),
        bucket('slot', 'subscription', '2026-04-01T00:00:00Z', '2026-03-01T00:00:00Z'),
        bucket('adjust-expiring', 'adjustment', '2026-03-20T00:00:00Z', '2026-03-02T00:00:00Z'),
      ],
      ['adjust-expiring', 'slot', 'adjust-old', 'topup-new'],
    ],
  ])('when spending %s', (_name, buckets, expected) => {
    expect(allocationOrder(buckets)).toEqual(expected);
  });
});
