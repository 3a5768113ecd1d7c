import { emptyAccount } from '../../src/domain/account';
import type { AccountState, LedgerEntry } from '../../src/domain/account';
import { compact } from '../../src/domain/archive';
import { AccountDraft } from '../../src/domain/draft';
import { captureHold, placeHold, releaseHold } from '../../src/domain/holds';
import { checkAccount } from '../../src/domain/invariants';
import { nextDueAt, settle } from '../../src/domain/settle';
import { availableCredits, debit } from '../../src/domain/spend';
import { balanceView } from '../../src/domain/view';

const d = (iso: string): Date => new Date(iso);
const MARCH_END = d('2026-04-01T00:00:00Z');

/** A March slot of 100 (ends Apr 1) and a never-expiring top-up of 50, every entry kept. */
function account(): { draft: AccountDraft; entries: LedgerEntry[] } {
  const draft = new AccountDraft(emptyAccount('cus_h'));
  draft.grant({ id: 'slot:march', source: 'subscription', granted: 100, grantedAt: d('2026-03-01T00:00:00Z'), expiresAt: MARCH_END, ref: 'in_1' });
  draft.grant({ id: 'topup:cs_1', source: 'topup', granted: 50, grantedAt: d('2026-03-02T00:00:00Z'), expiresAt: null, ref: 'cs_1' });
  return { draft, entries: draft.entries };
}

function hold(draft: AccountDraft, amount: number, at: string, ttlSeconds = 900, holdId = `hold_${amount}`) {
  return placeHold(draft, { holdId, idempotencyKey: `k-${holdId}`, amount, ttlSeconds, requestHash: 'h', metadata: null, at: d(at) }).hold;
}

/** Settles a copy of the state at `now`, as the next write (or a read, in memory) would. */
function settledAt(state: AccountState, now: string): { draft: AccountDraft; entries: LedgerEntry[] } {
  const draft = new AccountDraft(state);
  settle(draft, d(now));
  return { draft, entries: draft.entries };
}

function sum(entries: LedgerEntry[]): number {
  return entries.reduce((s, e) => s + e.amount, 0);
}

describe('holds', () => {
  it('when 120 of 150 credits are held, then available drops to 30, the balance stays 150, and a debit of 31 is refused', () => {
    const { draft, entries } = account();
    const h = hold(draft, 120, '2026-03-10T00:00:00Z');
    expect(h.reservations).toEqual([
      { bucket: 'slot:march', amount: 100 },
      { bucket: 'topup:cs_1', amount: 20 },
    ]);
    const view = balanceView(draft.state, d('2026-03-10T00:00:00Z'));
    expect({ balance: view.balance, available: view.available, held: view.held }).toEqual({ balance: 150, available: 30, held: 120 });
    expect(() => debit(draft, { amount: 31, idempotencyKey: 'd', requestHash: 'h', reason: null, metadata: null, at: d('2026-03-10T00:00:01Z') })).toThrow(
      expect.objectContaining({ code: 'insufficient_credits' }),
    );
    expect(() => hold(draft, 31, '2026-03-10T00:00:01Z')).toThrow(expect.objectContaining({ code: 'insufficient_credits' }));
    expect(entries.at(-1)).toMatchObject({ type: 'hold', amount: 0, balanceAfter: 150 });
    expect(checkAccount(draft.state, entries)).toEqual([]);
  });

  it('when a hold of 50 is captured for 38, then 38 is debited from its reservations and 12 is free again', () => {
    const { draft, entries } = account();
    const h = hold(draft, 50, '2026-03-10T00:00:00Z');
    const entry = captureHold(draft, h, 38, d('2026-03-10T00:05:00Z'));
    expect(entry).toMatchObject({ type: 'debit', amount: -38, balanceAfter: 112, opKey: `capture:${h.id}`, allocations: [{ bucket: 'slot:march', amount: 38 }] });
    expect(h.status).toBe('captured');
    expect(availableCredits(draft.state, d('2026-03-10T00:05:00Z'))).toBe(112);
    expect(() => captureHold(draft, h, 1, d('2026-03-10T00:06:00Z'))).toThrow(expect.objectContaining({ code: 'hold_captured' }));
    expect(sum(entries)).toBe(draft.state.balance);
    expect(checkAccount(draft.state, entries)).toEqual([]);
  });

  it('when more than the held amount is captured, then it is refused and the hold stays held', () => {
    const { draft } = account();
    const h = hold(draft, 50, '2026-03-10T00:00:00Z');
    expect(() => captureHold(draft, h, 51, d('2026-03-10T00:01:00Z'))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(h.status).toBe('held');
  });

  it('when a hold reaches its expiresAt, then from that instant it counts as released, and the next write records the release', () => {
    const { draft } = account();
    hold(draft, 50, '2026-03-10T00:00:00Z', 60);
    const before = settledAt(draft.state, '2026-03-10T00:00:59.999Z');
    expect(balanceView(before.draft.state, d('2026-03-10T00:00:59.999Z'))).toMatchObject({ available: 100, held: 50 });
    expect(before.entries).toEqual([]);
    const at = settledAt(draft.state, '2026-03-10T00:01:00Z');
    expect(balanceView(at.draft.state, d('2026-03-10T00:01:00Z'))).toMatchObject({ available: 150, held: 0, balance: 150 });
    expect(at.entries).toEqual([expect.objectContaining({ type: 'release', amount: 0, reason: 'expired', at: d('2026-03-10T00:01:00Z') })]);
    expect(nextDueAt(draft.state, d('2026-03-10T00:00:00Z'))).toEqual(d('2026-03-10T00:01:00Z'));
  });

  describe('when the month ends while a hold reserves credits of the ending slot', () => {
    function heldOverMonthEnd() {
      const { draft, entries } = account();
      const h = hold(draft, 80, '2026-03-31T23:50:00Z', 3600);
      debit(draft, { amount: 5, idempotencyKey: 'd', requestHash: 'h', reason: null, metadata: null, at: d('2026-03-31T23:55:00Z') });
      const later = new AccountDraft(draft.state);
      settle(later, d('2026-04-01T00:10:00Z'));
      return { draft: later, entries: [...entries, ...later.entries], holdId: h.id };
    }

    it('then the slot forfeits only what was not held, and the bucket keeps the 80 for the job', () => {
      const { draft, entries } = heldOverMonthEnd();
      expect(entries.at(-1)).toMatchObject({ type: 'expire', amount: -15, bucket: 'slot:march' });
      expect(draft.bucket('slot:march')).toMatchObject({ expired: true, remaining: 80 });
      expect(balanceView(draft.state, d('2026-04-01T00:10:00Z'))).toMatchObject({ balance: 130, available: 50, held: 80 });
      expect(checkAccount(draft.state, entries)).toEqual([]);
    });

    it('then the capture still takes from the expired slot, and what it releases is forfeited at the capture', () => {
      const { draft, entries, holdId } = heldOverMonthEnd();
      const h = draft.state.holds.find((x) => x.id === holdId);
      if (!h) throw new Error('test setup: hold missing');
      const captured = captureHold(draft, h, 30, d('2026-04-01T00:20:00Z'));
      const all = [...entries, ...draft.entries.filter((e) => !entries.includes(e))];
      expect(draft.entries.slice(-2)).toEqual([
        expect.objectContaining({ type: 'expire', amount: -50, bucket: 'slot:march', opKey: `expire:slot:march:${holdId}` }),
        expect.objectContaining({ type: 'debit', amount: -30, allocations: [{ bucket: 'slot:march', amount: 30 }] }),
      ]);
      expect(captured.balanceAfter).toBe(50);
      expect(draft.bucket('slot:march')).toMatchObject({ expired: true, remaining: 0 });
      expect(sum(all)).toBe(draft.state.balance);
      expect(checkAccount(draft.state, all)).toEqual([]);
    });

    it('then a release forfeits the held credits of the expired slot at once', () => {
      const { draft, entries, holdId } = heldOverMonthEnd();
      const h = draft.state.holds.find((x) => x.id === holdId);
      if (!h) throw new Error('test setup: hold missing');
      const release = releaseHold(draft, h, d('2026-04-01T00:20:00Z'), 'released');
      expect(release).toMatchObject({ type: 'release', amount: 0, balanceAfter: 50 });
      expect(draft.entries.at(-2)).toMatchObject({ type: 'expire', amount: -80 });
      expect(checkAccount(draft.state, [...entries, ...draft.entries.filter((e) => !entries.includes(e))])).toEqual([]);
    });
  });

  it('when the sweep compacts an account, then settled holds leave and a bucket a held hold reserves in stays, expired or not', () => {
    const { draft } = account();
    const done = hold(draft, 10, '2026-03-31T23:00:00Z', 7200, 'hold_done');
    hold(draft, 20, '2026-03-31T23:00:00Z', 7200, 'hold_open');
    releaseHold(draft, done, d('2026-03-31T23:10:00Z'), 'released');
    expect(nextDueAt(draft.state, d('2026-03-31T23:10:00Z'))).toEqual(d('2026-03-31T23:10:00Z'));
    const later = new AccountDraft(draft.state);
    settle(later, d('2026-04-01T00:30:00Z'));
    compact(later, d('2026-04-01T00:30:00Z'));
    expect(later.state.holds.map((h) => h.id)).toEqual(['hold_open']);
    expect(later.bucket('slot:march')).toMatchObject({ expired: true, remaining: 20 });
  });

  it('when a hold reserves more of a bucket than it holds, or an expired bucket keeps more than is held in it, then check-ledger names it', () => {
    const { draft, entries } = account();
    const h = hold(draft, 30, '2026-03-31T23:00:00Z', 7200);
    const later = new AccountDraft(draft.state);
    settle(later, d('2026-04-01T00:10:00Z'));
    const all = [...entries, ...later.entries];
    expect(checkAccount(later.state, all)).toEqual([]);

    const tooMuch = new AccountDraft(later.state);
    const reserved = tooMuch.state.holds.find((x) => x.id === h.id);
    if (reserved?.reservations[0]) reserved.reservations[0].amount = 31;
    expect(checkAccount(tooMuch.state, all)).toContainEqual(expect.objectContaining({ kind: 'held_out_of_range', object: 'slot:march' }));

    const kept = new AccountDraft(later.state);
    const march = kept.bucket('slot:march');
    if (march) march.remaining += 1;
    kept.state.balance += 1;
    expect(checkAccount(kept.state, all)).toContainEqual(expect.objectContaining({ kind: 'expired_bucket_not_empty', object: 'slot:march' }));
  });
});
