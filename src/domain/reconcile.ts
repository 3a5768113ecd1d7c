import type { AccountState, LedgerEntry, TopupRecord } from './account';
import type { CreditCommand, MappedEvent } from './commands';
import { planChangeId } from './planChanges';
import { refundTarget } from './reversals';
import { termId } from './subscriptions';
import { topupBucketId } from './topups';

/**
 * Reconciliation's decision (SPEC §6): what Stripe says should have happened, read through the
 * webhook's own mapping, against what the account holds. Pure: the caller fetches, this decides,
 * the caller repairs (through the webhook path) what is marked `fix`.
 */

export type StripeObjectKind = 'invoice' | 'checkout_session' | 'charge' | 'dispute' | 'event';

/** One Stripe object (or a parked event) and what the webhook path makes of it now. */
export interface StripeFact {
  kind: StripeObjectKind;
  /** in_…, cs_…, ch_…, dp_…, or evt_… for a parked event. */
  id: string;
  mapped: MappedEvent;
}

export type DifferenceKind =
  | 'missing_grant'
  | 'missing_raise'
  | 'refund_not_applied'
  | 'dispute_not_applied'
  | 'parked_event'
  | 'extra_grant'
  | 'doubled_grant'
  | 'mismatched_amount'
  | 'cannot_apply'
  | 'ledger_invariant';

/** `fix`: `--fix` applies the Stripe object's effect through the webhook path. `person`: someone must decide. */
export type Remedy = 'fix' | 'person';

export interface Difference {
  kind: DifferenceKind;
  customer: string | null;
  /** The Stripe object, event, bucket or entry the difference is about. */
  object: string;
  /** Set when `object` is a Stripe fact that `--fix` can apply. */
  fact: { kind: StripeObjectKind; id: string } | null;
  remedy: Remedy;
  detail: string;
  expected: number | null;
  actual: number | null;
}

export interface InvariantBreach {
  /** The entry, bucket or account that breaks it. */
  object: string;
  detail: string;
}

export interface AccountComparison {
  customer: string;
  state: AccountState | null;
  /** Every ledger entry of the account. */
  ledger: LedgerEntry[];
  facts: StripeFact[];
  /** Stripe was listed from this instant on: older grants are not expected among the facts. */
  since: Date | null;
  breaches: InvariantBreach[];
}

export function compareAccount(input: AccountComparison): Difference[] {
  const differences: Difference[] = [];
  const state = input.state;
  for (const fact of input.facts) differences.push(...compareFact(input.customer, state, fact));
  if (state) {
    differences.push(...extraGrants({ customer: input.customer, state, ledger: input.ledger, facts: input.facts, since: input.since }));
    differences.push(...doubledGrants(input.customer, state, input.ledger));
    differences.push(...refundRevocationMismatches(input.customer, state, input.ledger));
  }
  for (const breach of input.breaches) {
    differences.push(difference({ kind: 'ledger_invariant', customer: input.customer, object: breach.object, remedy: 'person', detail: breach.detail }));
  }
  return differences;
}

function difference(input: Omit<Difference, 'fact' | 'expected' | 'actual'> & Partial<Difference>): Difference {
  return { fact: null, expected: null, actual: null, ...input };
}

function factDifference(customer: string | null, fact: StripeFact, input: Pick<Difference, 'kind' | 'detail'> & Partial<Difference>): Difference {
  return difference({ customer, object: fact.id, fact: { kind: fact.kind, id: fact.id }, remedy: 'fix', ...input });
}

// ---------------------------------------------------------------- Stripe → account

function compareFact(customer: string, state: AccountState | null, fact: StripeFact): Difference[] {
  const mapped = fact.mapped;
  if (fact.kind === 'event') return [parkedEventDifference(fact)];
  if (mapped.outcome === 'ignored') return [];
  if (mapped.outcome === 'parked') {
    if (state && hasTrace(state, fact)) return [];
    return [factDifference(customer, fact, { kind: 'cannot_apply', remedy: 'person', detail: mapped.reason })];
  }
  // Listed under this customer but the webhook path would credit another: someone must look.
  if (mapped.customer !== customer) {
    return [factDifference(customer, fact, { kind: 'cannot_apply', remedy: 'person', detail: `${fact.id} credits ${mapped.customer}, not ${customer}` })];
  }
  return mapped.commands.flatMap((command) => compareCommand(customer, state, fact, command));
}

/**
 * A parked event read again now: `fix` when a retry would apply (or close) it, `person` when it would
 * park again (an unknown price, no customer), with today's reason.
 */
export function parkedEventDifference(fact: StripeFact): Difference {
  const customer = fact.mapped.outcome === 'ignored' ? null : fact.mapped.customer;
  if (fact.mapped.outcome === 'parked') {
    return factDifference(customer, fact, { kind: 'parked_event', remedy: 'person', detail: `parked: ${fact.mapped.reason}` });
  }
  const now = fact.mapped.outcome === 'apply' ? 'a retry applies it now' : `a retry closes it (${fact.mapped.reason})`;
  return factDifference(customer, fact, { kind: 'parked_event', detail: `parked event: ${now}` });
}

/** Whether the account already holds an effect of this object (granted before its price left the catalog). */
function hasTrace(state: AccountState, fact: StripeFact): boolean {
  switch (fact.kind) {
    case 'invoice':
      return state.terms.some((t) => t.invoiceIds.includes(fact.id));
    case 'checkout_session':
      return state.topups.some((t) => t.session === fact.id);
    case 'charge':
      return state.payments.some((p) => p.charges.some((c) => c.id === fact.id));
    case 'dispute':
      return state.payments.some((p) => p.disputes.some((d) => d.id === fact.id));
    case 'event':
      return false;
  }
}

function compareCommand(customer: string, state: AccountState | null, fact: StripeFact, command: CreditCommand): Difference[] {
  switch (command.kind) {
    case 'start_term': {
      const { term } = command;
      if (state?.terms.some((t) => t.id === termId(term.subscriptionId, term.start))) return [];
      const period = `${term.start.toISOString()} – ${term.end.toISOString()}`;
      return [factDifference(customer, fact, { kind: 'missing_grant', detail: `paid invoice started no term (${term.plan}, ${period})`, expected: term.slotCredits, actual: 0 })];
    }
    case 'record_plan_change': {
      const id = planChangeId(command.change);
      if (state?.planChanges.some((c) => c.id === id && (c.raisesSlot || !command.change.raisesSlot))) return [];
      return [factDifference(customer, fact, { kind: 'missing_raise', detail: `paid plan change to ${command.change.plan} raised nothing`, expected: command.change.monthlyCredits })];
    }
    case 'grant_topup': {
      const { topup } = command;
      const bucket = state?.buckets.find((b) => b.id === topupBucketId(topup.session));
      if (!bucket) {
        return [factDifference(customer, fact, { kind: 'missing_grant', detail: 'paid top-up granted no credits', expected: topup.credits, actual: 0 })];
      }
      if (bucket.granted === topup.credits) return [];
      return [
        factDifference(customer, fact, {
          kind: 'mismatched_amount',
          remedy: 'person',
          object: bucket.id,
          detail: 'top-up bucket holds other credits than the catalog × quantity',
          expected: topup.credits,
          actual: bucket.granted,
        }),
      ];
    }
    case 'record_refund': {
      const { refund } = command;
      const key = refund.paymentIntent ?? `charge:${refund.charge}`;
      const charge = state?.payments.find((p) => p.paymentIntent === key)?.charges.find((c) => c.id === refund.charge);
      if (charge && charge.amountRefunded >= refund.amountRefunded) return [];
      const detail = `Stripe refunded ${refund.amountRefunded} of ${refund.amount} (smallest currency unit); ${charge?.amountRefunded ?? 0} recorded here`;
      return [factDifference(customer, fact, { kind: 'refund_not_applied', detail })];
    }
    case 'record_dispute': {
      const { dispute } = command;
      const ours = state?.payments.flatMap((p) => p.disputes).find((d) => d.id === dispute.id);
      if (ours && (dispute.status === 'open' || ours.status === dispute.status)) return [];
      const detail = ours ? `dispute is ${dispute.status} in Stripe, ${ours.status} here` : `dispute (${dispute.status}) never applied`;
      return [factDifference(customer, fact, { kind: 'dispute_not_applied', detail })];
    }
    case 'sync_subscription':
    case 'link_external_id':
      return [];
  }
}

// ---------------------------------------------------------------- account → Stripe

export interface GrantRef {
  kind: 'invoice' | 'checkout_session';
  id: string;
}

function listedWithin(since: Date | null, at: Date): boolean {
  return since === null || at.getTime() >= since.getTime();
}

/** The object exists in Stripe and the webhook path would not credit someone else with it (its price may have left the catalog since). */
function isOwnObject(fact: StripeFact, customer: string): boolean {
  return fact.mapped.outcome !== 'apply' || fact.mapped.customer === customer;
}

function backsTerm(facts: StripeFact[], customer: string, invoiceIds: string[]): boolean {
  return facts.some((f) => f.kind === 'invoice' && invoiceIds.includes(f.id) && isOwnObject(f, customer));
}

function backsTopup(facts: StripeFact[], customer: string, session: string): boolean {
  return facts.some((f) => f.kind === 'checkout_session' && f.id === session && isOwnObject(f, customer));
}

/**
 * Grants of the compared window whose Stripe object the facts do not show: the caller fetches each
 * by id (it may predate the listing's window, or belong to nobody) before deciding it is extra.
 */
export function unbackedGrants(customer: string, state: AccountState, facts: StripeFact[], since: Date | null): GrantRef[] {
  const refs: GrantRef[] = [];
  for (const term of state.terms) {
    if (!listedWithin(since, term.paidAt) || backsTerm(facts, customer, term.invoiceIds)) continue;
    for (const id of term.invoiceIds) refs.push({ kind: 'invoice', id });
  }
  for (const topup of state.topups) {
    const bucket = state.buckets.find((b) => b.id === topup.bucket);
    if (!bucket || !listedWithin(since, bucket.grantedAt) || backsTopup(facts, customer, topup.session)) continue;
    refs.push({ kind: 'checkout_session', id: topup.session });
  }
  return refs;
}

/** What the slots of a term were granted, raises included: from the ledger, which keeps every slot's entries after its bucket is gone. */
function grantedToTerm(ledger: LedgerEntry[], term: AccountState['terms'][number]): number {
  return ledger
    .filter((e) => (e.type === 'grant' || e.type === 'raise') && e.bucket?.startsWith(`slot:${term.subscriptionId}:`) && term.invoiceIds.includes(e.ref))
    .reduce((sum, e) => sum + e.amount, 0);
}

function extraGrants(input: { customer: string; state: AccountState; ledger: LedgerEntry[]; facts: StripeFact[]; since: Date | null }): Difference[] {
  const { customer, state, facts, since } = input;
  const differences: Difference[] = [];
  for (const term of state.terms) {
    if (!listedWithin(since, term.paidAt) || backsTerm(facts, customer, term.invoiceIds)) continue;
    differences.push(
      difference({
        kind: 'extra_grant',
        customer,
        object: term.id,
        remedy: 'person',
        detail: `term has no paid invoice in Stripe (${term.invoiceIds.join(', ')})`,
        actual: grantedToTerm(input.ledger, term),
      }),
    );
  }
  for (const topup of state.topups) {
    const bucket = state.buckets.find((b) => b.id === topup.bucket);
    if (!bucket || !listedWithin(since, bucket.grantedAt) || backsTopup(facts, customer, topup.session)) continue;
    differences.push(
      difference({ kind: 'extra_grant', customer, object: bucket.id, remedy: 'person', detail: 'top-up has no paid checkout session in Stripe', actual: bucket.granted }),
    );
  }
  return differences;
}

/** Two entries or two buckets for one effect: a grant made twice (by hand, or by a bug the unique keys missed). */
function doubledGrants(customer: string, state: AccountState, ledger: LedgerEntry[]): Difference[] {
  const differences: Difference[] = [];
  const grantsByBucket = countBy(ledger.filter((e) => (e.type === 'grant' || e.type === 'adjust') && e.amount > 0 && e.bucket), (e) => e.bucket ?? '');
  for (const [bucket, count] of grantsByBucket) {
    if (count > 1) differences.push(doubled(customer, bucket, `${count} grant entries in the ledger for one bucket`, count));
  }
  for (const [bucket, count] of countBy(state.buckets, (b) => b.id)) {
    if (count > 1) differences.push(doubled(customer, bucket, `${count} buckets with one id`, count));
  }
  const topupBuckets = state.buckets.filter((b) => b.source === 'topup');
  for (const [ref, count] of countBy(topupBuckets, (b) => b.ref)) {
    if (count > 1) differences.push(doubled(customer, ref, `${count} top-up buckets for one checkout session`, count));
  }
  return differences;
}

function doubled(customer: string, object: string, detail: string, count: number): Difference {
  return difference({ kind: 'doubled_grant', customer, object, remedy: 'person', detail, expected: 1, actual: count });
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * A top-up's refunds must have claimed floor(credits × refunded / amount) from the payment's charges,
 * and the ledger's refund revocations must be that claim less the shortfall (what was already spent).
 */
function refundRevocationMismatches(customer: string, state: AccountState, ledger: LedgerEntry[]): Difference[] {
  const differences: Difference[] = [];
  for (const topup of state.topups) {
    const payment = topup.paymentIntent ? state.payments.find((p) => p.paymentIntent === topup.paymentIntent) : undefined;
    if (!payment) continue;
    const target = refundTarget(topup.credits, payment.charges);
    const revoked = refundRevocations(ledger, topup);
    const expected = target - topup.refundShortfall;
    if (topup.refundClaimed === target && revoked === expected) continue;
    differences.push(
      difference({
        kind: 'mismatched_amount',
        customer,
        object: topup.bucket,
        remedy: 'person',
        detail: `refund revocations differ from floor(credits × refunded / amount) (claimed ${topup.refundClaimed} of ${target})`,
        expected,
        actual: revoked,
      }),
    );
  }
  return differences;
}

function refundRevocations(ledger: LedgerEntry[], topup: TopupRecord): number {
  const prefix = `revoke:${topup.bucket}:refund:`;
  return ledger.filter((e) => e.type === 'revoke' && e.opKey.startsWith(prefix)).reduce((sum, e) => sum - e.amount, 0);
}
