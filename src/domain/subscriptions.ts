import type { SubscriptionState, Term } from './account';
import type { AccountDraft } from './draft';
import { endOverlappedTerms } from './termOverlap';

export interface PaidTerm {
  subscriptionId: string;
  invoiceId: string;
  plan: string;
  price: string;
  months: number;
  slotCredits: number;
  monthlyCredits: number;
  trial: boolean;
  start: Date;
  end: Date;
  paidAt: Date;
}

export function termId(subscriptionId: string, start: Date): string {
  return `${subscriptionId}:${start.toISOString()}`;
}

/**
 * Records a paid term. Keyed by subscription and period start, so invoice.paid and
 * invoice.payment_succeeded of one invoice (or a replay) start it once.
 */
export function startTerm(draft: AccountDraft, paid: PaidTerm): Term {
  const id = termId(paid.subscriptionId, paid.start);
  const existing = draft.state.terms.find((t) => t.id === id);
  if (existing) {
    if (!existing.invoiceIds.includes(paid.invoiceId)) {
      existing.invoiceIds.push(paid.invoiceId);
      draft.touch();
    }
    return existing;
  }
  const sub = draft.state.subscriptions.find((s) => s.id === paid.subscriptionId);
  const term: Term = {
    id,
    subscriptionId: paid.subscriptionId,
    invoiceIds: [paid.invoiceId],
    plan: paid.plan,
    price: paid.price,
    months: paid.months,
    slotCredits: paid.slotCredits,
    trial: paid.trial,
    start: paid.start,
    end: paid.end,
    paidAt: paid.paidAt,
    stoppedAt: sub?.endedAt ?? null,
    issuedSlots: [],
  };
  draft.state.terms.push(term);
  endOverlappedTerms(draft, term);
  if (!sub) draft.state.subscriptions.push(subscriptionFromTerm(paid));
  draft.touch();
  return term;
}

/** Until Stripe's subscription event arrives, the paid invoice tells what the subscription is. */
function subscriptionFromTerm(paid: PaidTerm): SubscriptionState {
  return {
    id: paid.subscriptionId,
    plan: paid.plan,
    price: paid.price,
    months: paid.months,
    monthlyCredits: paid.monthlyCredits,
    status: paid.trial ? 'trialing' : 'active',
    termStart: paid.start,
    termEnd: paid.end,
    cancelAtPeriodEnd: false,
    // Epoch: any real snapshot from Stripe is newer than this guess.
    asOf: new Date(0),
    endedAt: null,
    pauses: [],
  };
}

export interface SubscriptionSnapshot {
  id: string;
  plan: string | null;
  price: string | null;
  months: number | null;
  monthlyCredits: number | null;
  status: string;
  termStart: Date | null;
  termEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  endedAt: Date | null;
  /** event.created: snapshots are applied newest-wins, since Stripe does not order deliveries. */
  asOf: Date;
}

/** Stripe statuses of a subscription its customer still has (a payment failing is not the end: past_due). */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['active', 'trialing', 'past_due']);
/** Stripe statuses a subscription never leaves: no slot starts after them. */
export const ENDED_STATUSES: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired']);

export function applySubscriptionSnapshot(draft: AccountDraft, snap: SubscriptionSnapshot): void {
  const subs = draft.state.subscriptions;
  let sub = subs.find((s) => s.id === snap.id);
  if (!sub) {
    sub = { ...snap, pauses: [] };
    subs.push(sub);
    trackPause(sub, 'none', snap);
  } else {
    // An older snapshot never overwrites a newer one, and an ended subscription never comes back.
    if (snap.asOf.getTime() < sub.asOf.getTime() || ENDED_STATUSES.has(sub.status)) return;
    const previousStatus = sub.status;
    Object.assign(sub, { ...snap, pauses: sub.pauses });
    trackPause(sub, previousStatus, snap);
  }
  if (ENDED_STATUSES.has(snap.status)) stopFutureSlots(draft, snap.id, snap.endedAt ?? snap.asOf);
  draft.touch();
}

function trackPause(sub: SubscriptionState, previousStatus: string, snap: SubscriptionSnapshot): void {
  const open = sub.pauses.find((p) => p.to === null);
  if (snap.status === 'paused' && previousStatus !== 'paused' && !open) sub.pauses.push({ from: snap.asOf, to: null });
  if (snap.status !== 'paused' && open) open.to = snap.asOf;
}

/** Deletion stops every slot that has not begun; the current slot's credits stay until its end. */
function stopFutureSlots(draft: AccountDraft, subscriptionId: string, at: Date): void {
  for (const term of draft.state.terms) {
    if (term.subscriptionId !== subscriptionId) continue;
    if (term.stoppedAt === null || term.stoppedAt.getTime() > at.getTime()) term.stoppedAt = at;
  }
}
