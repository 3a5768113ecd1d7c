import { heldCredits } from './account';
import { DEFAULT_LOW_BALANCE } from './catalog';
import type { LowBalance } from './catalog';
import { lowBalanceThreshold } from './lowBalance';
import type { AccountState, Bucket, LedgerEntry } from './account';
import { currentSubscription, subscriptionView } from './view';
import type { SubscriptionView } from './view';

/**
 * Signals to the app (SPEC §10), decided from one change of one account: the state before, the state
 * after and the entries between, at `now`. Pure, so a decision made again on the same state (a lost race,
 * a retried request) yields the same signals with the same ids, and one made on a state that already
 * has the effect yields none: a crossing that happens once is signalled once, however often its cause is retried.
 */

export const SIGNAL_TYPES = ['credits.granted', 'credits.low', 'credits.exhausted', 'credits.expired', 'subscription.changed'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];


export interface SignalPolicy {
  /** Off when no APP_WEBHOOK_URL is set: nothing is recorded for nobody to receive. */
  enabled: boolean;
  lowBalance: LowBalance;
}

export const signalsOff: SignalPolicy = { enabled: false, lowBalance: DEFAULT_LOW_BALANCE };

/** One signal as recorded with its change: `body` is the exact JSON the app receives, every time it is sent. */
export interface Signal {
  /** `${customer}:signal:${n}`: unique, and the same however often the decision is made. */
  id: string;
  customer: string;
  /** The account's own signal sequence: signals of one customer are delivered in this order. */
  n: number;
  type: SignalType;
  createdAt: Date;
  body: string;
}

interface Credits {
  balance: number;
  available: number;
  held: number;
}

function creditsOf(state: AccountState): Credits {
  const held = heldCredits(state);
  return { balance: state.balance, available: state.balance - held, held };
}

/**
 * The catalog's `lowBalance` (src/domain/lowBalance.ts, the same rule the billing page warns by) applied to this
 * account: a percentage is of the current plan's monthly allotment; null when there is none to apply it to.
 */
export function lowBalanceThresholdOf(state: AccountState, rule: LowBalance): number | null {
  const sub = currentSubscription(state);
  const allotment = sub?.monthlyCredits ?? state.terms.filter((t) => t.subscriptionId === sub?.id).at(-1)?.slotCredits ?? null;
  return lowBalanceThreshold(rule, allotment);
}

function grantSource(entry: LedgerEntry, buckets: Bucket[]): string {
  if (entry.type === 'raise' || entry.type === 'restore') return entry.type;
  return buckets.find((b) => b.id === entry.bucket)?.source ?? 'adjustment';
}

function sameSubscription(a: SubscriptionView | null, b: SubscriptionView | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.plan === b.plan && a.price === b.price && a.months === b.months && a.status === b.status && a.cancelAtPeriodEnd === b.cancelAtPeriodEnd;
}

type Draft = Omit<Signal, 'id' | 'customer' | 'n' | 'createdAt' | 'body'> & { data: Record<string, unknown> };

function decide(input: { policy: SignalPolicy; before: AccountState; after: AccountState; entries: readonly LedgerEntry[] }): Draft[] {
  const { before, after, policy } = input;
  const signals: Draft[] = [];
  const was = subscriptionView(before);
  const now = subscriptionView(after);
  if (!sameSubscription(was, now) && now !== null) signals.push({ type: 'subscription.changed', data: { subscription: now, previous: was } });
  for (const entry of input.entries) {
    const credits = { amount: Math.abs(entry.amount), bucket: entry.bucket, entry: entry.id };
    if (entry.amount > 0 && ['grant', 'raise', 'restore', 'adjust'].includes(entry.type)) {
      const bucket = after.buckets.find((b) => b.id === entry.bucket);
      signals.push({ type: 'credits.granted', data: { ...credits, source: grantSource(entry, after.buckets), expiresAt: bucket?.expiresAt ?? null } });
    }
    if (entry.type === 'expire' && entry.amount < 0) signals.push({ type: 'credits.expired', data: credits });
  }
  const availableBefore = creditsOf(before).available;
  const availableAfter = creditsOf(after).available;
  const threshold = lowBalanceThresholdOf(after, policy.lowBalance);
  if (threshold !== null && availableBefore >= threshold && availableAfter < threshold) signals.push({ type: 'credits.low', data: { threshold } });
  if (availableBefore > 0 && availableAfter === 0) signals.push({ type: 'credits.exhausted', data: {} });
  return signals;
}

/**
 * The signals of a change, numbered on from `after.signalSeq` (which it advances, so they are written
 * with the change). Each carries the balance after the change.
 */
export function recordSignals(input: { policy: SignalPolicy; before: AccountState; after: AccountState; entries: readonly LedgerEntry[]; now: Date }): Signal[] {
  if (!input.policy.enabled) return [];
  const { after, now } = input;
  const balance = creditsOf(after);
  return decide(input).map((draft) => {
    after.signalSeq += 1;
    const n = after.signalSeq;
    const id = `${after.customer}:signal:${n}`;
    const body = JSON.stringify({ id, type: draft.type, createdAt: now, customer: after.customer, data: { ...draft.data, ...balance } });
    return { id, customer: after.customer, n, type: draft.type, createdAt: now, body };
  });
}
