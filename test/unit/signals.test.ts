import { emptyAccount } from '../../src/domain/account';
import type { AccountState } from '../../src/domain/account';
import { AccountDraft } from '../../src/domain/draft';
import { placeHold } from '../../src/domain/holds';
import { DEFAULT_RETRY, decideAfterAttempt, retryDelayMs } from '../../src/domain/signalDelivery';
import { lowBalanceThresholdOf, recordSignals } from '../../src/domain/signals';
import type { SignalPolicy } from '../../src/domain/signals';
import { debit } from '../../src/domain/spend';

const d = (iso: string): Date => new Date(iso);
const NOW = d('2026-03-10T12:00:00Z');
const policy: SignalPolicy = { enabled: true, lowBalance: { credits: 100 } };

function withCredits(amount: number): AccountState {
  const draft = new AccountDraft(emptyAccount('cus_s'));
  draft.grant({ id: 'topup:cs_1', source: 'topup', granted: amount, grantedAt: d('2026-03-01T00:00:00Z'), expiresAt: null, ref: 'cs_1' });
  return draft.state;
}

/** One change from `before`, as AccountService.mutate makes it: decide on a draft, then record its signals. */
function change(before: AccountState, act: (draft: AccountDraft) => void, p: SignalPolicy = policy) {
  const draft = new AccountDraft(before);
  act(draft);
  const signals = recordSignals({ policy: p, before, after: draft.state, entries: draft.entries, now: NOW });
  return { signals, state: draft.state, types: signals.map((s) => s.type) };
}

const spend = (amount: number, key: string) => (draft: AccountDraft) =>
  void debit(draft, { amount, idempotencyKey: key, requestHash: 'h', reason: null, metadata: null, at: NOW });

describe('deciding signals', () => {
  it('when a debit takes available from 150 to 50, then one credits.low names the threshold and the balance after', () => {
    const { signals } = change(withCredits(150), spend(100, 'a'));
    expect(signals).toEqual([expect.objectContaining({ id: 'cus_s:signal:1', n: 1, type: 'credits.low' })]);
    expect(JSON.parse(signals[0]?.body ?? '{}')).toEqual({
      id: 'cus_s:signal:1',
      type: 'credits.low',
      createdAt: NOW.toISOString(),
      customer: 'cus_s',
      data: { threshold: 100, balance: 50, available: 50, held: 0 },
    });
  });

  it('when the same change is decided again on the same state, then it yields the same ids and bodies', () => {
    const before = withCredits(150);
    expect(change(before, spend(100, 'a')).signals).toEqual(change(before, spend(100, 'a')).signals);
  });

  it('when available is already below the threshold, then a further debit signals nothing until it reaches 0', () => {
    const low = change(withCredits(150), spend(100, 'a')).state;
    expect(change(low, spend(10, 'b')).types).toEqual([]);
    expect(change(low, spend(50, 'c')).types).toEqual(['credits.exhausted']);
  });

  it('when one debit empties the account from above the threshold, then credits.low and credits.exhausted both go, numbered on', () => {
    const { signals } = change(withCredits(150), spend(150, 'a'));
    expect(signals.map((s) => [s.type, s.n])).toEqual([['credits.low', 1], ['credits.exhausted', 2]]);
  });

  it('when a hold reserves the last credits, then credits.exhausted goes, with the held credits in its data', () => {
    const { signals } = change(withCredits(50), (draft) => void placeHold(draft, { holdId: 'hold_1', idempotencyKey: 'k', amount: 50, ttlSeconds: 900, requestHash: 'h', metadata: null, at: NOW }));
    expect(signals.map((s) => s.type)).toEqual(['credits.exhausted']);
    expect(JSON.parse(signals[0]?.body ?? '{}').data).toEqual({ balance: 50, available: 0, held: 50 });
  });

  it('when a grant arrives, then credits.granted says how many and from where; when signals are off, nothing is recorded', () => {
    const grant = (draft: AccountDraft) =>
      void draft.grant({ id: 'adjust:g', source: 'adjustment', granted: 20, grantedAt: NOW, expiresAt: null, ref: 'g' }, { type: 'adjust' });
    const { signals } = change(withCredits(500), grant);
    expect(JSON.parse(signals[0]?.body ?? '{}').data).toMatchObject({ amount: 20, source: 'adjustment', bucket: 'adjust:g', balance: 520 });
    const off = change(withCredits(500), grant, { enabled: false, lowBalance: { percent: 10 } });
    expect({ types: off.types, signalSeq: off.state.signalSeq }).toEqual({ types: [], signalSeq: 0 });
  });

  it('when the threshold is a percent and the account has no subscription, then there is no threshold', () => {
    expect(lowBalanceThresholdOf(withCredits(10), { percent: 10 })).toBeNull();
    expect(lowBalanceThresholdOf(withCredits(10), { credits: 7 })).toBe(7);
  });
});

describe('after a delivery attempt', () => {
  const queuedAt = d('2026-03-10T12:00:00Z');
  it('when attempts keep failing, then the pause doubles from 10 s up to 6 h', () => {
    expect([1, 2, 3, 13, 20].map((n) => retryDelayMs(DEFAULT_RETRY, n, 0.5))).toEqual([10_000, 20_000, 40_000, 6 * 3600_000, 6 * 3600_000]);
  });

  it('when the next attempt would fall 3 days after the signal was queued, then it is dead; a 2xx is delivered', () => {
    const fail = { ok: false as const, error: 'answered 500' };
    expect(decideAfterAttempt({ policy: DEFAULT_RETRY, attempts: 3, queuedAt, result: fail, now: d('2026-03-10T13:00:00Z'), jitter: 0.5 })).toEqual({
      status: 'pending',
      attempts: 4,
      nextAttemptAt: d('2026-03-10T13:01:20Z'),
      lastError: 'answered 500',
    });
    expect(decideAfterAttempt({ policy: DEFAULT_RETRY, attempts: 19, queuedAt, result: fail, now: d('2026-03-13T08:00:00Z'), jitter: 0.5 })).toMatchObject({ status: 'dead', attempts: 20 });
    expect(decideAfterAttempt({ policy: DEFAULT_RETRY, attempts: 0, queuedAt, result: { ok: true, status: 204 }, now: queuedAt, jitter: 0 })).toEqual({
      status: 'delivered',
      attempts: 1,
      deliveredAt: queuedAt,
    });
  });
});
