import { creditFlows } from '../../src/app/metrics';
import type { Bucket, LedgerEntry } from '../../src/domain/account';

const at = new Date('2026-03-10T12:00:00Z');

function bucket(id: string, source: Bucket['source']): Bucket {
  return { id, source, granted: 100, remaining: 100, grantedAt: at, expiresAt: null, expired: false, ref: id, revoked: 0, shortfall: 0 };
}

function entry(type: LedgerEntry['type'], amount: number, bucketId: string | null, opKey = `${type}:${bucketId}`): LedgerEntry {
  return {
    id: `cus_1:1`,
    customer: 'cus_1',
    seq: 1,
    type,
    amount,
    balanceAfter: 0,
    at,
    bucket: bucketId,
    ref: 'ref',
    opKey,
    allocations: [],
    requestHash: null,
    reason: null,
    metadata: null,
  };
}

const buckets = [bucket('slot:sub_1:2026-03-01', 'subscription'), bucket('topup:cs_1', 'topup'), bucket('adjustment:k1', 'adjustment')];

describe('credit flows counted from committed ledger entries', () => {
  it.each([
    ['a slot grant counts as granted from its bucket source', entry('grant', 5000, 'slot:sub_1:2026-03-01'), { kind: 'granted', label: 'subscription', credits: 5000 }],
    ['a top-up grant counts as granted from topup', entry('grant', 1000, 'topup:cs_1'), { kind: 'granted', label: 'topup', credits: 1000 }],
    ['a plan-change raise counts as granted by raise', entry('raise', 15000, 'slot:sub_1:2026-03-01'), { kind: 'granted', label: 'raise', credits: 15000 }],
    ['a won dispute counts as granted by restore', entry('restore', 700, 'topup:cs_1'), { kind: 'granted', label: 'restore', credits: 700 }],
    ['a positive adjustment counts as granted by adjustment', entry('adjust', 250, 'adjustment:k1'), { kind: 'granted', label: 'adjustment', credits: 250 }],
    ['a negative adjustment counts as debited by adjustment', entry('adjust', -40, 'topup:cs_1'), { kind: 'debited', label: 'adjustment', credits: 40 }],
    ['a debit counts as debited, as a positive number', entry('debit', -30, null), { kind: 'debited', label: 'debit', credits: 30 }],
    ['an expiry counts as expired from its bucket source', entry('expire', -4200, 'slot:sub_1:2026-03-01'), { kind: 'expired', label: 'subscription', credits: 4200 }],
    ['a refund counts as revoked by refund', entry('revoke', -500, 'topup:cs_1', 'revoke:topup:cs_1:refund:ch_1'), { kind: 'revoked', label: 'refund', credits: 500 }],
    ['a dispute counts as revoked by dispute', entry('revoke', -1000, 'topup:cs_1', 'revoke:topup:cs_1:dispute:dp_1'), { kind: 'revoked', label: 'dispute', credits: 1000 }],
  ])('%s', (_case, committed, flow) => {
    expect(creditFlows([committed], buckets)).toEqual([flow]);
  });

  it('when a bucket expires with nothing left, then no credits are counted', () => {
    expect(creditFlows([entry('expire', 0, 'topup:cs_1')], buckets)).toEqual([]);
  });
});
