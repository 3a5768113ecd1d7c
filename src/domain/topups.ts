import type { AccountState } from './account';
import type { TopupExpiry } from './catalog';
import type { AccountDraft } from './draft';
import { applyPaymentReversals } from './reversals';
import { slotIsIssued } from './settle';
import { slotAt } from './slots';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A paid one-time Checkout Session of catalog top-ups (SPEC §3.5); credits come from the catalog. */
export interface PaidTopup {
  session: string;
  paymentIntent: string | null;
  /** Catalog credits × quantity. */
  credits: number;
  paidAt: Date;
  expiry: TopupExpiry;
}

export function topupBucketId(session: string): string {
  return `topup:${session}`;
}

/**
 * The monthly slot the customer is in at `at`, if any: its end is when a `cycle` top-up expires.
 * With several subscriptions, the slot that lasts longest.
 */
export function currentSlotEnd(state: AccountState, at: Date): Date | null {
  let end: Date | null = null;
  for (const term of state.terms) {
    const slot = slotAt(term, at);
    if (!slot || !slotIsIssued(state, term, slot)) continue;
    if (end === null || slot.end.getTime() > end.getTime()) end = slot.end;
  }
  return end;
}

/**
 * When a top-up's credits expire. `cycle` with no current slot (no subscription, a lapsed one, a
 * paused one) never expires: there is no cycle to end with, and a bought credit must not vanish at once.
 */
export function topupExpiresAt(state: AccountState, expiry: TopupExpiry, paidAt: Date): Date | null {
  if (expiry === 'never') return null;
  if (expiry === 'cycle') return currentSlotEnd(state, paidAt);
  return new Date(paidAt.getTime() + expiry.days * DAY_MS);
}

/**
 * Grants a paid top-up once per Checkout Session, whatever event says it was paid and however often.
 * Refunds or disputes of its payment that arrived first are applied right away.
 */
export function grantTopup(draft: AccountDraft, paid: PaidTopup): void {
  if (draft.state.topups.some((t) => t.session === paid.session)) return;
  const bucket = topupBucketId(paid.session);
  draft.grant({
    id: bucket,
    source: 'topup',
    granted: paid.credits,
    grantedAt: paid.paidAt,
    expiresAt: topupExpiresAt(draft.state, paid.expiry, paid.paidAt),
    ref: paid.session,
  });
  draft.state.topups.push({
    session: paid.session,
    bucket,
    paymentIntent: paid.paymentIntent,
    credits: paid.credits,
    refundClaimed: 0,
    refundShortfall: 0,
    disputes: [],
  });
  draft.touch();
  if (paid.paymentIntent) applyPaymentReversals(draft, paid.paymentIntent, paid.paidAt);
}
