import { heldByBucket, heldCredits } from './account';
import type { AccountState, Bucket, BucketSource, SubscriptionState, Term } from './account';
import { slotCreditsAtStart } from './planChanges';
import { slotIsIssued } from './settle';
import { slotsOfTerm } from './slots';
import { LIVE_STATUSES } from './subscriptions';
import { availableCredits, compareSpendingOrder } from './spend';

export interface BucketView {
  id: string;
  source: BucketSource;
  granted: number;
  remaining: number;
  grantedAt: Date;
  expiresAt: Date | null;
}

export interface SubscriptionView {
  id: string;
  plan: string | null;
  price: string | null;
  months: number | null;
  status: string;
  termStart: Date | null;
  termEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface BalanceView {
  customer: string;
  /** Every credit the customer owns now, held ones included: `available + held`. */
  balance: number;
  /** What a debit or a new hold can take now. */
  available: number;
  /** Reserved by holds still held (SPEC §9). */
  held: number;
  buckets: BucketView[];
  subscription: SubscriptionView | null;
  nextGrant: { at: Date; credits: number } | null;
}

/** The subscription a customer thinks of as "mine": the newest live one, else the newest. */
export function currentSubscription(state: AccountState): SubscriptionState | null {
  const newestFirst = [...state.subscriptions].sort((a, b) => b.asOf.getTime() - a.asOf.getTime());
  return newestFirst.find((s) => LIVE_STATUSES.has(s.status)) ?? newestFirst[0] ?? null;
}

function latestTerm(state: AccountState, subscriptionId: string): Term | undefined {
  return state.terms
    .filter((t) => t.subscriptionId === subscriptionId)
    .sort((a, b) => b.start.getTime() - a.start.getTime())[0];
}

/** A bucket that expired while a hold reserved some of its credits is shown, holding only those, until the hold ends. */
function isShown(bucket: Bucket, now: Date, held: ReadonlyMap<string, number>): boolean {
  if (bucket.expired) return held.has(bucket.id);
  if (bucket.expiresAt === null) return bucket.remaining > 0;
  return bucket.expiresAt.getTime() > now.getTime();
}

/** The next grant a customer can expect: the next slot of the paid term, else the renewal. */
export function nextGrant(state: AccountState, now: Date): { at: Date; credits: number } | null {
  const sub = currentSubscription(state);
  if (!sub) return null;
  const term = latestTerm(state, sub.id);
  if (term) {
    const upcoming = slotsOfTerm(term).find((s) => s.start.getTime() > now.getTime());
    if (upcoming && slotIsIssued(state, term, upcoming)) {
      return { at: upcoming.start, credits: slotCreditsAtStart(state, term, upcoming) };
    }
  }
  if (!LIVE_STATUSES.has(sub.status) || sub.cancelAtPeriodEnd) return null;
  const renewal = term?.end ?? sub.termEnd;
  const credits = sub.monthlyCredits ?? term?.slotCredits;
  if (!renewal || credits === undefined || renewal.getTime() <= now.getTime()) return null;
  return { at: renewal, credits };
}

/** The subscription as the app sees it (balance view, `subscription.changed` signals). */
export function subscriptionView(state: AccountState): SubscriptionView | null {
  const sub = currentSubscription(state);
  if (!sub) return null;
  const term = latestTerm(state, sub.id);
  return {
    id: sub.id,
    plan: sub.plan,
    price: sub.price,
    months: sub.months,
    status: sub.status,
    termStart: term?.start ?? sub.termStart,
    termEnd: term?.end ?? sub.termEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
  };
}

export function balanceView(state: AccountState, now: Date): BalanceView {
  const available = availableCredits(state, now);
  const held = heldCredits(state);
  const reserved = heldByBucket(state);
  return {
    customer: state.customer,
    balance: available + held,
    available,
    held,
    buckets: state.buckets
      .filter((b) => isShown(b, now, reserved))
      .sort(compareSpendingOrder)
      .map((b) => ({
        id: b.id,
        source: b.source,
        granted: b.granted,
        remaining: b.remaining,
        grantedAt: b.grantedAt,
        expiresAt: b.expiresAt,
      })),
    subscription: subscriptionView(state),
    nextGrant: nextGrant(state, now),
  };
}
