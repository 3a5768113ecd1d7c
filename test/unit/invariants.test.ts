import { emptyAccount } from '../../src/domain/account';
import type { AccountState, LedgerEntry } from '../../src/domain/account';
import { adjust } from '../../src/domain/adjust';
import { AccountDraft } from '../../src/domain/draft';
import { checkAccount } from '../../src/domain/invariants';
import type { BreachKind } from '../../src/domain/invariants';
import { debit } from '../../src/domain/spend';

const d = (iso: string): Date => new Date(iso);

/**
 * A healthy account built through the domain itself: a slot grant, a top-up, a debit spread over
 * both, the slot's expiry and a negative adjustment.
 */
function healthyAccount(): { state: AccountState; entries: LedgerEntry[] } {
  const draft = new AccountDraft(emptyAccount('cus_inv'));
  draft.grant({ id: 'slot:sub_1:2026-01-01', source: 'subscription', granted: 100, grantedAt: d('2026-01-01T00:00:00Z'), expiresAt: d('2026-02-01T00:00:00Z'), ref: 'in_1' });
  draft.grant({ id: 'topup:cs_1', source: 'topup', granted: 50, grantedAt: d('2026-01-02T00:00:00Z'), expiresAt: null, ref: 'cs_1' });
  debit(draft, { amount: 120, idempotencyKey: 'k1', requestHash: 'h', reason: null, metadata: null, at: d('2026-01-10T00:00:00Z') });
  draft.grant({ id: 'slot:sub_1:2026-01-15', source: 'subscription', granted: 10, grantedAt: d('2026-01-15T00:00:00Z'), expiresAt: d('2026-01-20T00:00:00Z'), ref: 'in_1' });
  const expiring = draft.bucket('slot:sub_1:2026-01-15');
  if (!expiring) throw new Error('test setup: bucket missing');
  draft.expire(expiring, d('2026-01-20T00:00:00Z'));
  adjust(draft, { amount: -5, idempotencyKey: 'a1', requestHash: 'h', reason: 'correction', expiresAt: null, at: d('2026-01-21T00:00:00Z') });
  return { state: draft.state, entries: draft.entries };
}

type Corruption = (account: { state: AccountState; entries: LedgerEntry[] }) => void;

function entryAt(entries: LedgerEntry[], seq: number): LedgerEntry {
  const entry = entries.find((e) => e.seq === seq);
  if (!entry) throw new Error(`test setup: no entry ${seq}`);
  return entry;
}

describe('ledger invariants', () => {
  it('when the account was built only through the domain, then nothing is breached', () => {
    const { state, entries } = healthyAccount();
    expect(state.balance).toBe(25);
    expect(checkAccount(state, entries)).toEqual([]);
  });

  const cases: Array<[string, Corruption, BreachKind, string]> = [
    ['the balance was raised by hand', ({ state }) => void (state.balance += 7), 'ledger_sum', 'cus_inv'],
    [
      'a bucket was topped up by hand and the balance with it, but no entry was written',
      ({ state }) => {
        const topup = state.buckets.find((b) => b.id === 'topup:cs_1');
        if (topup) topup.remaining += 10;
        state.balance += 10;
      },
      'ledger_sum',
      'cus_inv',
    ],
    [
      'a bucket lost credits without the balance following',
      ({ state }) => {
        const topup = state.buckets.find((b) => b.id === 'topup:cs_1');
        if (topup) topup.remaining -= 3;
      },
      'bucket_sum',
      'cus_inv',
    ],
    [
      'a bucket holds more than it was granted',
      ({ state }) => {
        const topup = state.buckets.find((b) => b.id === 'topup:cs_1');
        if (topup) topup.granted = 10;
      },
      'bucket_out_of_range',
      'topup:cs_1',
    ],
    [
      'an expired bucket still holds credits',
      ({ state }) => {
        const expired = state.buckets.find((b) => b.expired);
        if (expired) expired.remaining = 4;
      },
      'expired_bucket_not_empty',
      'slot:sub_1:2026-01-15',
    ],
    ['an entry is missing from the middle', ({ entries }) => void entries.splice(2, 1), 'sequence_gap', 'cus_inv'],
    ['an entry was recorded past the account seq', ({ state }) => void (state.seq -= 1), 'sequence_gap', 'cus_inv'],
    ['an entry balanceAfter is not the running sum', ({ entries }) => void (entryAt(entries, 3).balanceAfter += 1), 'running_sum', 'cus_inv:3'],
    [
      'the same effect was recorded under two sequence numbers',
      ({ state, entries }) => {
        const first = entryAt(entries, 2);
        state.seq += 1;
        state.balance += first.amount;
        const topup = state.buckets.find((b) => b.id === 'topup:cs_1');
        if (topup) {
          topup.granted += first.amount;
          topup.remaining += first.amount;
        }
        entries.push({ ...first, id: `cus_inv:${state.seq}`, seq: state.seq, balanceAfter: state.balance });
      },
      'duplicate_op_key',
      'grant:topup:cs_1',
    ],
  ];

  it.each(cases)('when %s, then a %s breach names it', (_case, corrupt, kind, object) => {
    const account = healthyAccount();
    corrupt(account);
    const breaches = checkAccount(account.state, account.entries);
    expect(breaches).toContainEqual(expect.objectContaining({ kind, object }));
  });

  it('when one entry has a wrong balanceAfter, then the breach stays local: that entry and the next are named, not every later one', () => {
    const account = healthyAccount();
    entryAt(account.entries, 2).balanceAfter += 1;
    const running = checkAccount(account.state, account.entries).filter((b) => b.kind === 'running_sum');
    // Entry 2 disagrees with entry 1, and entry 3 with entry 2's recorded value: the one bad number, from both sides.
    expect(running.map((b) => b.object)).toEqual(['cus_inv:2', 'cus_inv:3']);
  });

  it('when the newest entries are missing, then one sequence_gap names the whole missing stretch', () => {
    const { state, entries } = healthyAccount();
    expect(checkAccount(state, entries.filter((e) => e.seq <= 3))).toContainEqual(expect.objectContaining({ kind: 'sequence_gap', detail: 'seq 4…6 are missing' }));
  });
});
