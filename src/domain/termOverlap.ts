import type { Term } from './account';
import type { AccountDraft } from './draft';
import { slotBucketId } from './settle';
import { slotAt } from './slots';

/**
 * A plan change that makes Stripe start a new billing cycle (an interval change) bills a new term
 * while the old one still runs. The old term ends at the new term's start: its open slot ends at
 * that instant (its bucket expires then, unused credits forfeited as at any slot end) and none of
 * its later slots is issued. Applied whichever of the two terms arrives first, so the result does
 * not depend on delivery order. Renewals meet end-to-start and are left alone.
 */
export function endOverlappedTerms(draft: AccountDraft, added: Term): void {
  for (const other of draft.state.terms) {
    if (other === added || other.subscriptionId !== added.subscriptionId) continue;
    if (startsInside(added, other)) cutTerm(draft, other, added.start);
    else if (startsInside(other, added)) cutTerm(draft, added, other.start);
  }
}

function startsInside(later: Term, earlier: Term): boolean {
  const t = later.start.getTime();
  return earlier.start.getTime() < t && t < earlier.end.getTime();
}

function cutTerm(draft: AccountDraft, term: Term, at: Date): void {
  const open = slotAt(term, at);
  term.end = at;
  draft.touch();
  if (!open) return;
  const bucket = draft.bucket(slotBucketId(term, open));
  // A bucket already expired keeps its history; a slot not yet granted is issued with the new end.
  if (bucket && !bucket.expired && bucket.expiresAt !== null && bucket.expiresAt.getTime() > at.getTime()) {
    bucket.expiresAt = at;
  }
}
