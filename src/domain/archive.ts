import { heldByBucket } from './account';
import type { AccountState, Bucket, PaymentRecord, PlanChange, SubscriptionState, Term, TopupRecord } from './account';
import type { CreditCommand } from './commands';
import { AccountDraft } from './draft';
import { slotBucketId } from './settle';
import { slotsOfTerm } from './slots';
import { ENDED_STATUSES, termId } from './subscriptions';
import { currentSubscription } from './view';

/**
 * The account document holds what can still change; settled history moves to an archive so that an
 * account with years of history costs what a new one costs. Nothing is lost: the ledger holds every
 * entry, the archive holds every record, and `withHistory` puts them back together for reconcile.
 *
 * Moving out (compaction, decided here, applied by the sweep):
 * - a slot or adjustment bucket once it has expired (or, for an adjustment that never expires, is spent):
 *   it is dropped, not archived, since the ledger keeps its grant, raises and expiry under its id;
 * - a term once it has ended and none of its buckets is left, unless it is the newest term of a
 *   subscription still in the account (the balance view shows it), with the plan changes inside it;
 * - a top-up, with its bucket and payment record, once the bucket is expired or spent and no dispute is open;
 * - a subscription that has ended, is not the one the customer sees, and has no term left.
 *
 * - a plan change that no term left in the account contains, once a year has passed (its term is archived);
 * - a hold once captured, released or expired: dropped, since the ledger keeps its `hold`, `debit` or
 *   `release` entries, by which a late retry of its capture or release is still answered.
 * A bucket a hold still reserves credits in stays, expired or not, until the hold ends.
 *
 * Coming back: an event about an archived record (a refund of an old top-up, a late subscription
 * snapshot) restores it before it is applied; a paid term found in the archive was applied long ago, and
 * its command is dropped. `archiveQueries` says which records a command may need; the marks
 * (`state.archived`) keep those lookups to the cases where a record can be in the archive at all.
 */

export type ArchivedRecord =
  | { kind: 'term'; key: string; term: Term; planChanges: PlanChange[] }
  | { kind: 'topup'; key: string; topup: TopupRecord; bucket: Bucket | null; payment: PaymentRecord | null }
  | { kind: 'subscription'; key: string; subscription: SubscriptionState }
  | { kind: 'planChange'; key: string; change: PlanChange };

export type ArchiveQuery =
  | { key: string }
  /** The archived top-up of a payment (refunds and disputes name the payment, not the session). */
  | { paymentIntent: string };

export const archiveKey = {
  term: (id: string): string => `term:${id}`,
  topup: (session: string): string => `topup:${session}`,
  subscription: (id: string): string => `subscription:${id}`,
  planChange: (id: string): string => `planChange:${id}`,
};

/** No term is longer than a year (the longest interval a catalog price has), with slack for month-end clamping. */
const MAX_TERM_MS = 367 * 24 * 60 * 60 * 1000;

function isSettledBucket(bucket: Bucket): boolean {
  if (bucket.expired) return true;
  return bucket.source === 'adjustment' && bucket.expiresAt === null && bucket.remaining === 0;
}

function termBucketIds(term: Term): Set<string> {
  return new Set(slotsOfTerm(term).map((slot) => slotBucketId(term, slot)));
}

function changesInside(changes: PlanChange[], term: Term): PlanChange[] {
  return changes.filter(
    (c) => c.subscriptionId === term.subscriptionId && c.at.getTime() >= term.start.getTime() && c.at.getTime() < term.end.getTime(),
  );
}

/**
 * Moves settled history out of the account (see above) and returns what moved. Run after settling at
 * `now`, so every bucket that has ended is already expired. Changes no balance and writes no entry.
 */
export function compact(draft: AccountDraft, now: Date): ArchivedRecord[] {
  const state = draft.state;
  const moved: ArchivedRecord[] = [];
  const holdsBefore = state.holds.length;
  state.holds = state.holds.filter((h) => h.status === 'held');
  const held = heldByBucket(state);
  const openDispute = (paymentIntent: string | null): boolean =>
    paymentIntent !== null && state.payments.some((p) => p.paymentIntent === paymentIntent && p.disputes.some((d) => d.status === 'open'));

  for (const topup of [...state.topups]) {
    const bucket = state.buckets.find((b) => b.id === topup.bucket) ?? null;
    const spent = bucket === null || bucket.expired || bucket.remaining === 0;
    if (!spent || openDispute(topup.paymentIntent) || (bucket && held.has(bucket.id))) continue;
    const payment = topup.paymentIntent ? (state.payments.find((p) => p.paymentIntent === topup.paymentIntent) ?? null) : null;
    moved.push({ kind: 'topup', key: archiveKey.topup(topup.session), topup, bucket, payment });
    state.topups = state.topups.filter((t) => t !== topup);
    state.buckets = state.buckets.filter((b) => b !== bucket);
    state.payments = state.payments.filter((p) => p !== payment);
    state.archived.topups += 1;
  }

  const topupBuckets = new Set(state.topups.map((t) => t.bucket));
  const before = state.buckets.length;
  state.buckets = state.buckets.filter((b) => topupBuckets.has(b.id) || held.has(b.id) || !isSettledBucket(b));
  const dropped = state.buckets.length < before || state.holds.length < holdsBefore;

  const shown = currentSubscription(state);
  const live = new Set(state.buckets.map((b) => b.id));
  const isOver = (term: Term): boolean =>
    term.end.getTime() <= now.getTime() && ![...termBucketIds(term)].some((id) => live.has(id));
  for (const sub of [...state.subscriptions]) {
    const terms = state.terms.filter((t) => t.subscriptionId === sub.id);
    const newest = terms.reduce<Term | null>((a, t) => (a === null || t.start.getTime() > a.start.getTime() ? t : a), null);
    const subscriptionGoes = ENDED_STATUSES.has(sub.status) && sub !== shown && terms.every(isOver);
    for (const term of terms) {
      if (!isOver(term) || (term === newest && !subscriptionGoes)) continue;
      moved.push(archiveTerm(draft, term));
    }
    if (subscriptionGoes) {
      moved.push({ kind: 'subscription', key: archiveKey.subscription(sub.id), subscription: sub });
      state.subscriptions = state.subscriptions.filter((s) => s !== sub);
      state.archived.subscriptions += 1;
    }
  }
  for (const change of [...state.planChanges]) {
    const orphan = !state.terms.some((t) => t.subscriptionId === change.subscriptionId && t.end.getTime() > change.at.getTime());
    if (!orphan || change.at.getTime() > now.getTime() - MAX_TERM_MS) continue;
    moved.push({ kind: 'planChange', key: archiveKey.planChange(change.id), change });
    state.planChanges = state.planChanges.filter((c) => c !== change);
  }
  if (moved.length > 0 || dropped) draft.touch();
  return moved;
}

function archiveTerm(draft: AccountDraft, term: Term): ArchivedRecord {
  const state = draft.state;
  const planChanges = changesInside(state.planChanges, term);
  state.planChanges = state.planChanges.filter((c) => !planChanges.includes(c));
  state.terms = state.terms.filter((t) => t !== term);
  const through = state.archived.termsThrough;
  if (through === null || term.start.getTime() > through.getTime()) state.archived.termsThrough = term.start;
  return { kind: 'term', key: archiveKey.term(term.id), term, planChanges };
}

/** The archived records a command may need back before it is applied; none in the common case. */
export function archiveQueries(state: AccountState, command: CreditCommand): ArchiveQuery[] {
  const marks = state.archived;
  const topupOfPayment = (paymentIntent: string | null): ArchiveQuery[] =>
    marks.topups === 0 || paymentIntent === null || state.topups.some((t) => t.paymentIntent === paymentIntent) ? [] : [{ paymentIntent }];
  switch (command.kind) {
    case 'start_term': {
      const { term } = command;
      const id = termId(term.subscriptionId, term.start);
      if (marks.termsThrough === null || term.start.getTime() > marks.termsThrough.getTime()) return [];
      return state.terms.some((t) => t.id === id) ? [] : [{ key: archiveKey.term(id) }];
    }
    case 'grant_topup':
      if (marks.topups === 0 || state.topups.some((t) => t.session === command.topup.session)) return [];
      return [{ key: archiveKey.topup(command.topup.session) }];
    case 'record_refund':
      return topupOfPayment(command.refund.paymentIntent);
    case 'record_dispute':
      return topupOfPayment(command.dispute.paymentIntent);
    case 'sync_subscription':
      if (marks.subscriptions === 0 || state.subscriptions.some((s) => s.id === command.snapshot.id)) return [];
      return [{ key: archiveKey.subscription(command.snapshot.id) }];
    case 'record_plan_change':
    case 'link_external_id':
      return [];
  }
}

/**
 * Whether a command is already applied as far as the archive shows: a paid term found there was
 * started, granted and settled long ago (a late duplicate of its invoice), so the command changes nothing.
 */
export function appliedInArchive(command: CreditCommand, found: ArchivedRecord[]): boolean {
  return command.kind === 'start_term' && found.some((r) => r.kind === 'term');
}

/** Puts an archived record back into the account, so the command that needs it applies as if it never left. */
export function restore(draft: AccountDraft, record: ArchivedRecord): void {
  const state = draft.state;
  switch (record.kind) {
    case 'term':
      if (!state.terms.some((t) => t.id === record.term.id)) {
        state.terms.push(record.term);
        state.planChanges.push(...record.planChanges.filter((c) => !state.planChanges.some((p) => p.id === c.id)));
      }
      break;
    case 'topup':
      if (!state.topups.some((t) => t.session === record.topup.session)) {
        state.topups.push(record.topup);
        if (record.bucket && !state.buckets.some((b) => b.id === record.bucket?.id)) state.buckets.push(record.bucket);
        if (record.payment && !state.payments.some((p) => p.paymentIntent === record.payment?.paymentIntent)) state.payments.push(record.payment);
      }
      break;
    case 'subscription':
      if (!state.subscriptions.some((s) => s.id === record.subscription.id)) state.subscriptions.push(record.subscription);
      break;
    case 'planChange':
      if (!state.planChanges.some((c) => c.id === record.change.id)) state.planChanges.push(record.change);
      break;
  }
  draft.touch();
}

/** The whole history of an account: the document with every archived record put back (for reconcile and reports). */
export function withHistory(state: AccountState, records: ArchivedRecord[]): AccountState {
  const draft = new AccountDraft(state);
  for (const record of records) restore(draft, record);
  return draft.state;
}
