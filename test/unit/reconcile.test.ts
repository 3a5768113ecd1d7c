import { emptyAccount } from '../../src/domain/account';
import type { AccountState, LedgerEntry } from '../../src/domain/account';
import type { CreditCommand, MappedEvent } from '../../src/domain/commands';
import { applyCommand } from '../../src/domain/commands';
import { AccountDraft } from '../../src/domain/draft';
import { compareAccount, parkedEventDifference, unbackedGrants } from '../../src/domain/reconcile';
import type { Difference, StripeFact } from '../../src/domain/reconcile';
import { settle } from '../../src/domain/settle';

const CUSTOMER = 'cus_unit';
const NOW = new Date('2026-03-15T00:00:00Z');

const termCommand: CreditCommand = {
  kind: 'start_term',
  term: {
    subscriptionId: 'sub_1',
    invoiceId: 'in_1',
    plan: 'pro',
    price: 'price_pro_m',
    months: 1,
    slotCredits: 5000,
    monthlyCredits: 5000,
    trial: false,
    start: new Date('2026-03-01T00:00:00Z'),
    end: new Date('2026-04-01T00:00:00Z'),
    paidAt: new Date('2026-03-01T00:00:00Z'),
  },
};

const topupCommand: CreditCommand = {
  kind: 'grant_topup',
  topup: { session: 'cs_1', paymentIntent: 'pi_1', credits: 1000, paidAt: new Date('2026-03-02T00:00:00Z'), expiry: 'never' },
};

function refundCommand(amountRefunded: number): CreditCommand {
  return { kind: 'record_refund', refund: { paymentIntent: 'pi_1', charge: 'ch_1', amount: 1000, amountRefunded, invoice: null, at: NOW } };
}

function apply(customer: string, commands: CreditCommand[]): MappedEvent {
  return { outcome: 'apply', customer, commands };
}

/** An account built by the real policy from the given commands, with the ledger entries it wrote. */
function account(commands: CreditCommand[]): { state: AccountState; ledger: LedgerEntry[] } {
  const draft = new AccountDraft(emptyAccount(CUSTOMER));
  for (const command of commands) applyCommand(draft, command);
  settle(draft, NOW);
  return { state: draft.state, ledger: draft.entries };
}

function compare(input: { commands?: CreditCommand[]; facts: StripeFact[]; since?: Date | null; tamper?: (a: { state: AccountState; ledger: LedgerEntry[] }) => void }): Difference[] {
  const built = account(input.commands ?? []);
  input.tamper?.(built);
  return compareAccount({ customer: CUSTOMER, state: built.state, ledger: built.ledger, facts: input.facts, since: input.since ?? null, breaches: [] });
}

function summary(differences: Difference[]): string[] {
  return differences.map((d) => `${d.kind} ${d.object} ${d.remedy}`);
}

const invoiceFact: StripeFact = { kind: 'invoice', id: 'in_1', mapped: apply(CUSTOMER, [termCommand]) };
const sessionFact: StripeFact = { kind: 'checkout_session', id: 'cs_1', mapped: apply(CUSTOMER, [topupCommand]) };

describe('reconcile: Stripe → ledger', () => {
  test.each<[string, { commands: CreditCommand[]; facts: StripeFact[] }, string[]]>([
    ['a paid invoice whose term exists is in step', { commands: [termCommand], facts: [invoiceFact] }, []],
    ['a paid invoice with no term is a missing grant, repairable', { commands: [], facts: [invoiceFact] }, ['missing_grant in_1 fix']],
    ['a paid top-up with no bucket is a missing grant, repairable', { commands: [], facts: [sessionFact] }, ['missing_grant cs_1 fix']],
    ['an object the mapping ignores expects nothing', { commands: [], facts: [{ kind: 'invoice', id: 'in_9', mapped: { outcome: 'ignored', reason: 'no subscription' } }] }, []],
    [
      'an invoice for a price the catalog does not sell needs a person',
      { commands: [], facts: [{ kind: 'invoice', id: 'in_9', mapped: { outcome: 'parked', reason: 'unknown price price_old', customer: CUSTOMER } }] },
      ['cannot_apply in_9 person'],
    ],
    [
      'an invoice granted before its price left the catalog is in step',
      { commands: [termCommand], facts: [{ kind: 'invoice', id: 'in_1', mapped: { outcome: 'parked', reason: 'unknown price price_pro_m', customer: CUSTOMER } }] },
      [],
    ],
    [
      'an object the webhook would credit to another customer needs a person',
      { commands: [termCommand], facts: [invoiceFact, { kind: 'dispute', id: 'dp_1', mapped: apply('cus_other', []) }] },
      ['cannot_apply dp_1 person'],
    ],
    [
      'a refund Stripe knows and the account does not is repairable',
      { commands: [topupCommand], facts: [sessionFact, { kind: 'charge', id: 'ch_1', mapped: apply(CUSTOMER, [refundCommand(500)]) }] },
      ['refund_not_applied ch_1 fix'],
    ],
    [
      'a refund already recorded is in step',
      { commands: [topupCommand, refundCommand(500)], facts: [sessionFact, { kind: 'charge', id: 'ch_1', mapped: apply(CUSTOMER, [refundCommand(500)]) }] },
      [],
    ],
    [
      'a dispute won in Stripe but open here is repairable',
      {
        commands: [topupCommand, { kind: 'record_dispute', dispute: { id: 'dp_1', paymentIntent: 'pi_1', charge: 'ch_1', status: 'open', at: NOW } }],
        facts: [sessionFact, { kind: 'dispute', id: 'dp_1', mapped: apply(CUSTOMER, [{ kind: 'record_dispute', dispute: { id: 'dp_1', paymentIntent: 'pi_1', charge: 'ch_1', status: 'won', at: NOW } }]) }],
      },
      ['dispute_not_applied dp_1 fix'],
    ],
    [
      'a paid plan change that raised nothing is repairable',
      {
        commands: [termCommand],
        facts: [
          invoiceFact,
          {
            kind: 'invoice',
            id: 'in_up',
            mapped: apply(CUSTOMER, [
              { kind: 'record_plan_change', change: { subscriptionId: 'sub_1', at: new Date('2026-03-10T00:00:00Z'), plan: 'max', price: 'price_max_m', monthlyCredits: 20000, raisesSlot: true } },
            ]),
          },
        ],
      },
      ['missing_raise in_up fix'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(summary(compare(input))).toEqual(expected);
  });

  test('when a top-up bucket holds other credits than the catalog says, then it is a mismatched amount for a person', () => {
    const found = compare({ commands: [topupCommand], facts: [sessionFact], tamper: (a) => void (a.state.buckets[0]!.granted = 1500) });

    expect(found).toEqual([expect.objectContaining({ kind: 'mismatched_amount', object: 'topup:cs_1', remedy: 'person', expected: 1000, actual: 1500 })]);
  });
});

describe('reconcile: ledger → Stripe', () => {
  test('when a term has no paid invoice in Stripe, then it is an extra grant for a person, with the credits it granted', () => {
    const found = compare({ commands: [termCommand], facts: [] });

    expect(found).toEqual([expect.objectContaining({ kind: 'extra_grant', object: 'sub_1:2026-03-01T00:00:00.000Z', remedy: 'person', actual: 5000 })]);
  });

  test('when a top-up has no paid session in Stripe, then it is an extra grant', () => {
    expect(summary(compare({ commands: [topupCommand], facts: [] }))).toEqual(['extra_grant topup:cs_1 person']);
  });

  test('when a grant predates --since, then its missing Stripe object is not called extra (it was not listed)', () => {
    expect(compare({ commands: [termCommand, topupCommand], facts: [], since: new Date('2026-03-10T00:00:00Z') })).toEqual([]);
  });

  test('when the ledger holds two grant entries for one bucket, then it is a doubled grant for a person', () => {
    const found = compare({
      commands: [topupCommand],
      facts: [sessionFact],
      tamper: (a) => a.ledger.push({ ...a.ledger[0]!, id: `${CUSTOMER}:copy`, seq: 99, opKey: 'grant:topup:cs_1:copy' }),
    });

    expect(found).toEqual([expect.objectContaining({ kind: 'doubled_grant', object: 'topup:cs_1', remedy: 'person', expected: 1, actual: 2 })]);
  });

  test('when the account holds one bucket twice, then it is a doubled grant', () => {
    const found = compare({ commands: [topupCommand], facts: [sessionFact], tamper: (a) => void a.state.buckets.push({ ...a.state.buckets[0]! }) });

    expect(summary(found)).toEqual(['doubled_grant topup:cs_1 person', 'doubled_grant cs_1 person']);
  });

  test('when refund revocations differ from floor(credits × refunded / amount), then it is a mismatched amount', () => {
    const refund = { kind: 'charge' as const, id: 'ch_1', mapped: apply(CUSTOMER, [refundCommand(500)]) };
    const found = compare({
      commands: [topupCommand, refundCommand(500)],
      facts: [sessionFact, refund],
      tamper: (a) => void (a.ledger = a.ledger.filter((e) => e.type !== 'revoke')),
    });

    expect(found).toEqual([expect.objectContaining({ kind: 'mismatched_amount', object: 'topup:cs_1', expected: 500, actual: 0 })]);
  });

  test('invariant breaches are reported as needing a person', () => {
    const built = account([]);
    const found = compareAccount({ customer: CUSTOMER, ...built, facts: [], since: null, breaches: [{ object: `${CUSTOMER}:3`, detail: 'balanceAfter is not the running sum' }] });

    expect(summary(found)).toEqual([`ledger_invariant ${CUSTOMER}:3 person`]);
  });

  test('the grants to confirm by id are those of the window the listing did not show', () => {
    const { state } = account([termCommand, topupCommand]);

    expect(unbackedGrants(CUSTOMER, state, [invoiceFact], null)).toEqual([{ kind: 'checkout_session', id: 'cs_1' }]);
    expect(unbackedGrants(CUSTOMER, state, [], null)).toEqual([{ kind: 'invoice', id: 'in_1' }, { kind: 'checkout_session', id: 'cs_1' }]);
    expect(unbackedGrants(CUSTOMER, state, [], new Date('2026-03-02T00:00:00Z'))).toEqual([{ kind: 'checkout_session', id: 'cs_1' }]);
  });
});

describe('reconcile: parked events', () => {
  test('a parked event a retry would apply is repairable; one that would park again needs a person, with today’s reason', () => {
    expect(parkedEventDifference({ kind: 'event', id: 'evt_1', mapped: apply(CUSTOMER, [termCommand]) })).toMatchObject({ kind: 'parked_event', remedy: 'fix', customer: CUSTOMER });
    expect(parkedEventDifference({ kind: 'event', id: 'evt_2', mapped: { outcome: 'parked', reason: 'unknown price price_x', customer: null } })).toMatchObject({
      remedy: 'person',
      detail: 'parked: unknown price price_x',
    });
  });
});
