import { emptyAccount } from '../../src/domain/account';
import type { AccountState } from '../../src/domain/account';
import { appliedInArchive, archiveQueries, compact, restore, withHistory } from '../../src/domain/archive';
import type { CreditCommand } from '../../src/domain/commands';
import { applyCommand } from '../../src/domain/commands';
import { AccountDraft } from '../../src/domain/draft';
import { settle } from '../../src/domain/settle';
import { debit } from '../../src/domain/spend';
import type { PaidTerm } from '../../src/domain/subscriptions';

const d = (iso: string): Date => new Date(iso);

function month(start: string, end: string, subscriptionId = 'sub_1'): PaidTerm {
  return {
    subscriptionId,
    invoiceId: `in_${start.slice(0, 7)}`,
    plan: 'pro',
    price: 'price_pro_m',
    months: 1,
    slotCredits: 5000,
    monthlyCredits: 5000,
    trial: false,
    start: d(start),
    end: d(end),
    paidAt: d(start),
  };
}

/** Applies commands at their instants, settling in between, as the webhook path does. */
function history(steps: Array<[string, CreditCommand]>): AccountState {
  let state = emptyAccount('cus_1');
  for (const [at, command] of steps) {
    const draft = new AccountDraft(state);
    settle(draft, d(at));
    applyCommand(draft, command);
    settle(draft, d(at));
    state = draft.state;
  }
  return state;
}

function compacted(state: AccountState, now: string) {
  const draft = new AccountDraft(state);
  settle(draft, d(now));
  const moved = compact(draft, d(now));
  return { state: draft.state, moved, entries: draft.entries };
}

const MARCH = month('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
const APRIL = month('2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z');

describe('compacting an account', () => {
  test('when a monthly plan has renewed, then the ended term leaves, its expired bucket is dropped, and the newest term stays', () => {
    const state = history([
      ['2026-03-01T00:00:00Z', { kind: 'start_term', term: MARCH }],
      ['2026-04-01T00:00:00Z', { kind: 'start_term', term: APRIL }],
    ]);
    const after = compacted(state, '2026-04-10T00:00:00Z');

    expect(after.moved.map((r) => r.key)).toEqual([`term:sub_1:${MARCH.start.toISOString()}`]);
    expect(after.state.terms.map((t) => t.id)).toEqual([`sub_1:${APRIL.start.toISOString()}`]);
    expect(after.state.buckets.map((b) => b.id)).toEqual([`slot:sub_1:${APRIL.start.toISOString()}`]);
    expect(after.state.archived.termsThrough).toEqual(MARCH.start);
    expect(after.entries).toEqual([]);
    expect(after.state.balance).toBe(5000);
  });

  test('when the only term has ended, then it stays: the customer still sees it as the current one', () => {
    const state = history([['2026-03-01T00:00:00Z', { kind: 'start_term', term: MARCH }]]);
    const after = compacted(state, '2026-04-10T00:00:00Z');
    expect(after.moved).toEqual([]);
    expect(after.state.terms).toHaveLength(1);
    expect(after.state.buckets).toEqual([]);
  });

  test('when a top-up still holds credits, then it stays; once spent, it leaves with its payment', () => {
    const topup: CreditCommand = { kind: 'grant_topup', topup: { session: 'cs_1', paymentIntent: 'pi_1', credits: 1000, paidAt: d('2026-03-02T00:00:00Z'), expiry: 'never' } };
    const state = history([['2026-03-02T00:00:00Z', topup]]);
    expect(compacted(state, '2026-03-03T00:00:00Z').moved).toEqual([]);

    const draft = new AccountDraft(state);
    debit(draft, { amount: 1000, idempotencyKey: 'k', requestHash: 'h', reason: null, metadata: null, at: d('2026-03-03T00:00:00Z') });
    const after = compacted(draft.state, '2026-03-04T00:00:00Z');
    expect(after.moved.map((r) => r.kind)).toEqual(['topup']);
    expect(after.state.topups).toEqual([]);
    expect(after.state.archived.topups).toBe(1);
  });
});

describe('what a command needs back from the archive', () => {
  const archivedMarch = (): AccountState => {
    const state = history([
      ['2026-03-01T00:00:00Z', { kind: 'start_term', term: MARCH }],
      ['2026-04-01T00:00:00Z', { kind: 'start_term', term: APRIL }],
    ]);
    return compacted(state, '2026-04-10T00:00:00Z').state;
  };

  test.each<[string, () => AccountState, CreditCommand, number]>([
    ['a renewal newer than anything archived', archivedMarch, { kind: 'start_term', term: month('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z') }, 0],
    ['a late copy of an archived term', archivedMarch, { kind: 'start_term', term: MARCH }, 1],
    ['a term still in the account', archivedMarch, { kind: 'start_term', term: APRIL }, 0],
    ['a top-up when none was ever archived', archivedMarch, { kind: 'grant_topup', topup: { session: 'cs_9', paymentIntent: null, credits: 1, paidAt: d('2026-04-02T00:00:00Z'), expiry: 'never' } }, 0],
    ['a refund when no top-up was ever archived', archivedMarch, { kind: 'record_refund', refund: { paymentIntent: 'pi_9', charge: 'ch_9', amount: 100, amountRefunded: 100, invoice: null, at: d('2026-04-02T00:00:00Z') } }, 0],
  ])('when the command is %s, then %i lookups are needed', (_name, stateOf, command, lookups) => {
    expect(archiveQueries(stateOf(), command)).toHaveLength(lookups);
  });

  test('when an archived term is found for a paid term, then the command counts as applied; restoring a record puts it back once', () => {
    const compactedState = compacted(
      history([
        ['2026-03-01T00:00:00Z', { kind: 'start_term', term: MARCH }],
        ['2026-04-01T00:00:00Z', { kind: 'start_term', term: APRIL }],
      ]),
      '2026-04-10T00:00:00Z',
    );
    const command: CreditCommand = { kind: 'start_term', term: MARCH };
    expect(appliedInArchive(command, compactedState.moved)).toBe(true);
    expect(appliedInArchive({ kind: 'link_external_id', externalId: 'u' }, compactedState.moved)).toBe(false);

    const whole = withHistory(compactedState.state, [...compactedState.moved, ...compactedState.moved]);
    expect(whole.terms.map((t) => t.start.toISOString())).toEqual([APRIL.start.toISOString(), MARCH.start.toISOString()]);

    const draft = new AccountDraft(compactedState.state);
    for (const record of compactedState.moved) restore(draft, record);
    expect(draft.changed).toBe(true);
    expect(draft.entries).toEqual([]);
  });
});
