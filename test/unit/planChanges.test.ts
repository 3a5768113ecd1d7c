import { emptyAccount } from '../../src/domain/account';
import type { AccountState } from '../../src/domain/account';
import { AccountDraft } from '../../src/domain/draft';
import { recordPlanChange } from '../../src/domain/planChanges';
import type { PlanChangeInput } from '../../src/domain/planChanges';
import { settle } from '../../src/domain/settle';
import { startTerm } from '../../src/domain/subscriptions';
import type { PaidTerm } from '../../src/domain/subscriptions';
import { nextGrant } from '../../src/domain/view';

const d = (iso: string): Date => new Date(iso);
const PRO = 5000;
const MAX = 20000;

function quarterlyPro(overrides: Partial<PaidTerm> = {}): PaidTerm {
  return {
    subscriptionId: 'sub_1',
    invoiceId: 'in_1',
    plan: 'pro',
    price: 'price_pro_q',
    months: 3,
    slotCredits: PRO,
    monthlyCredits: PRO,
    trial: false,
    start: d('2026-01-01T00:00:00Z'),
    end: d('2026-04-01T00:00:00Z'),
    paidAt: d('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

function change(at: string, to: 'pro' | 'max', paid: boolean): PlanChangeInput {
  return {
    subscriptionId: 'sub_1',
    at: d(at),
    plan: to,
    price: to === 'pro' ? 'price_pro_q' : 'price_max_q',
    monthlyCredits: to === 'pro' ? PRO : MAX,
    raisesSlot: paid,
  };
}

type Step = { term: PaidTerm } | { change: PlanChangeInput } | { settleAt: string };

function run(steps: Step[], state: AccountState = emptyAccount('cus_1')): AccountDraft {
  const draft = new AccountDraft(state);
  for (const step of steps) {
    if ('term' in step) startTerm(draft, step.term);
    else if ('change' in step) recordPlanChange(draft, step.change);
    else settle(draft, d(step.settleAt));
  }
  return draft;
}

const ledger = (draft: AccountDraft): [string, number][] => draft.entries.map((e) => [e.type, e.amount]);

describe('plan changes inside a term', () => {
  test.each<[string, Step[], [string, number][]]>([
    [
      'an upgrade paid mid-slot raises the slot by the difference',
      [{ term: quarterlyPro() }, { settleAt: '2026-01-10T00:00:00Z' }, { change: change('2026-01-10T00:00:00Z', 'max', true) }, { settleAt: '2026-01-10T00:00:00Z' }],
      [['grant', PRO], ['raise', MAX - PRO]],
    ],
    [
      'upgrade → downgrade → upgrade inside one slot grants the difference once',
      [
        { term: quarterlyPro() },
        { change: change('2026-01-05T00:00:00Z', 'max', true) },
        { change: change('2026-01-06T00:00:00Z', 'pro', false) },
        { change: change('2026-01-07T00:00:00Z', 'max', true) },
        { settleAt: '2026-01-20T00:00:00Z' },
      ],
      [['grant', PRO], ['raise', MAX - PRO]],
    ],
    [
      'a downgrade leaves the current slot alone',
      [{ term: quarterlyPro({ price: 'price_max_q', plan: 'max', slotCredits: MAX, monthlyCredits: MAX }) }, { change: change('2026-01-05T00:00:00Z', 'pro', true) }, { settleAt: '2026-01-20T00:00:00Z' }],
      [['grant', MAX]],
    ],
    [
      'an upgrade not paid for (on_payment without a proration invoice) waits for the next slot',
      [{ term: quarterlyPro() }, { change: change('2026-01-05T00:00:00Z', 'max', false) }, { settleAt: '2026-02-01T00:00:00Z' }],
      [['grant', PRO], ['expire', -PRO], ['grant', MAX]],
    ],
    [
      'the paid change told before the term it falls in is applied when the slot is granted',
      [{ change: change('2026-01-05T00:00:00Z', 'max', true) }, { term: quarterlyPro() }, { settleAt: '2026-01-20T00:00:00Z' }],
      [['grant', PRO], ['raise', MAX - PRO]],
    ],
    [
      'a change told twice (subscription event and invoice) raises once',
      [{ term: quarterlyPro() }, { change: change('2026-01-05T00:00:00Z', 'max', false) }, { change: change('2026-01-05T00:00:00Z', 'max', true) }, { change: change('2026-01-05T00:00:00Z', 'max', true) }, { settleAt: '2026-01-20T00:00:00Z' }],
      [['grant', PRO], ['raise', MAX - PRO]],
    ],
    [
      'a paid upgrade during a trial raises nothing: trial slots grant trialCredits',
      [{ term: quarterlyPro({ trial: true, slotCredits: 100, end: d('2026-01-15T00:00:00Z') }) }, { change: change('2026-01-05T00:00:00Z', 'max', true) }, { settleAt: '2026-01-10T00:00:00Z' }],
      [['grant', 100]],
    ],
  ])('when %s', (_name, steps, expected) => {
    expect(ledger(run(steps))).toEqual(expected);
  });

  test('when the plan changes in slot 0 of a quarter, then later slots grant the plan in force at their start', () => {
    const draft = run([
      { term: quarterlyPro() },
      { change: change('2026-01-05T00:00:00Z', 'max', true) },
      { change: change('2026-02-10T00:00:00Z', 'pro', false) },
      { settleAt: '2026-03-15T00:00:00Z' },
    ]);
    expect(draft.state.buckets.map((b) => [b.id.slice(-24, -14), b.granted])).toEqual([
      ['2026-01-01', MAX],
      ['2026-02-01', MAX],
      ['2026-03-01', PRO],
    ]);
  });

  test('when a change is recorded, then the next grant shown is the new plan', () => {
    const draft = run([{ term: quarterlyPro() }, { change: change('2026-01-05T00:00:00Z', 'max', false) }, { settleAt: '2026-01-06T00:00:00Z' }]);
    expect(nextGrant(draft.state, d('2026-01-06T00:00:00Z'))).toEqual({ at: d('2026-02-01T00:00:00Z'), credits: MAX });
  });

  test('when the raise and the slot end fall in one catch-up, then the raise comes first and its credits expire with the slot', () => {
    const draft = run([{ term: quarterlyPro() }, { change: change('2026-01-31T23:00:00Z', 'max', true) }, { settleAt: '2026-02-02T00:00:00Z' }]);
    expect(ledger(draft)).toEqual([['grant', PRO], ['raise', MAX - PRO], ['expire', -MAX], ['grant', MAX]]);
  });
});

describe('an interval change starts a new term', () => {
  const monthly = quarterlyPro({ price: 'price_pro_m', months: 1, end: d('2026-02-01T00:00:00Z') });
  const annualMax = quarterlyPro({
    invoiceId: 'in_2',
    price: 'price_max_y',
    plan: 'max',
    months: 12,
    slotCredits: MAX,
    monthlyCredits: MAX,
    start: d('2026-01-15T00:00:00Z'),
    end: d('2027-01-15T00:00:00Z'),
    paidAt: d('2026-01-15T00:00:00Z'),
  });

  test.each<[string, Step[]]>([
    ['in order', [{ term: monthly }, { settleAt: '2026-01-10T00:00:00Z' }, { term: annualMax }, { settleAt: '2026-01-20T00:00:00Z' }]],
    ['when the old term arrives last', [{ term: annualMax }, { term: monthly }, { settleAt: '2026-01-20T00:00:00Z' }]],
  ])('%s, the old open slot ends at the change and the new slot 0 is granted in full', (_name, steps) => {
    const draft = run(steps);
    const old = draft.state.buckets.find((b) => b.id === 'slot:sub_1:2026-01-01T00:00:00.000Z');
    expect(old).toMatchObject({ expiresAt: d('2026-01-15T00:00:00Z'), expired: true, remaining: 0 });
    const fresh = draft.state.buckets.find((b) => b.id === 'slot:sub_1:2026-01-15T00:00:00.000Z');
    expect(fresh).toMatchObject({ granted: MAX, remaining: MAX, expiresAt: d('2026-02-15T00:00:00Z') });
    expect(draft.state.balance).toBe(MAX);
    expect(draft.state.terms.find((t) => t.invoiceIds[0] === 'in_1')?.end).toEqual(d('2026-01-15T00:00:00Z'));
  });
});
