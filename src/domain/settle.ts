import type { AccountState, Bucket, Term } from './account';
import type { AccountDraft } from './draft';
import { expiredHolds, releaseHold } from './holds';
import { raiseSlotEntitlement, raisesOfSlot, slotCreditsAtStart } from './planChanges';
import { slotsOfTerm } from './slots';
import type { Slot } from './slots';

export function slotBucketId(term: Term, slot: Slot): string {
  return `slot:${term.subscriptionId}:${slot.start.toISOString()}`;
}

function wasPausedAt(state: AccountState, subscriptionId: string, instant: Date): boolean {
  const sub = state.subscriptions.find((s) => s.id === subscriptionId);
  if (!sub) return false;
  const t = instant.getTime();
  return sub.pauses.some((p) => p.from.getTime() <= t && (p.to === null || t < p.to.getTime()));
}

/** Whether a slot of a paid term is ever issued. Pure in the account's history, so deciding it twice agrees. */
export function slotIsIssued(state: AccountState, term: Term, slot: Slot): boolean {
  if (slotCreditsAtStart(state, term, slot) <= 0) return false;
  // A slot that had ended before its term was paid is not granted (a renewal paid late).
  if (slot.end.getTime() <= term.paidAt.getTime()) return false;
  if (term.stoppedAt && slot.start.getTime() >= term.stoppedAt.getTime()) return false;
  return !wasPausedAt(state, term.subscriptionId, slot.start);
}

interface DueGrant {
  kind: 'grant';
  at: Date;
  term: Term;
  slot: Slot;
}
interface DueExpiry {
  kind: 'expire';
  at: Date;
  bucketId: string;
}
interface DueRaise {
  kind: 'raise';
  at: Date;
  bucketId: string;
  level: number;
}
interface DueHoldExpiry {
  kind: 'release';
  at: Date;
  holdId: string;
}
type DueStep = DueGrant | DueExpiry | DueRaise | DueHoldExpiry;

function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function dueGrants(state: AccountState, now: Date): DueGrant[] {
  const due: DueGrant[] = [];
  for (const term of state.terms) {
    for (const slot of slotsOfTerm(term)) {
      if (slot.start.getTime() > now.getTime()) break;
      if (term.issuedSlots.includes(slot.index) || state.buckets.some((b) => b.id === slotBucketId(term, slot))) continue;
      if (!slotIsIssued(state, term, slot)) continue;
      due.push({ kind: 'grant', at: laterOf(slot.start, term.paidAt), term, slot });
    }
  }
  return due;
}

/** Paid plan changes inside issued slots (SPEC §3.6); applying one twice is a no-op (raises go by level). */
function dueRaises(state: AccountState, now: Date): DueRaise[] {
  const due: DueRaise[] = [];
  for (const term of state.terms) {
    for (const slot of slotsOfTerm(term)) {
      if (slot.start.getTime() > now.getTime()) break;
      if (!slotIsIssued(state, term, slot)) continue;
      const bucketId = slotBucketId(term, slot);
      if (state.buckets.some((b) => b.id === bucketId && b.expired)) continue;
      const grantedAt = laterOf(slot.start, term.paidAt);
      for (const raise of raisesOfSlot(state, term, slot)) {
        if (raise.at.getTime() > now.getTime()) continue;
        due.push({ kind: 'raise', at: laterOf(raise.at, grantedAt), bucketId, level: raise.level });
      }
    }
  }
  return due;
}

function isDueToExpire(bucket: Bucket, now: Date): bucket is Bucket & { expiresAt: Date } {
  return !bucket.expired && bucket.expiresAt !== null && bucket.expiresAt.getTime() <= now.getTime();
}

/**
 * Brings an account up to `now`: issues every slot that has begun and expires every bucket that
 * has ended, in the order they happened, so a scheduler that was down catches up exactly and an
 * ended slot is never spendable. Idempotent: settling twice at the same instant changes nothing.
 */
export function settle(draft: AccountDraft, now: Date): void {
  const grants = dueGrants(draft.state, now);
  const steps: DueStep[] = [...grants, ...dueRaises(draft.state, now)];
  // Catching up after downtime: a slot that already ended is granted and expired at their own instants.
  for (const grant of grants) {
    if (grant.slot.end.getTime() <= now.getTime()) {
      steps.push({ kind: 'expire', at: grant.slot.end, bucketId: slotBucketId(grant.term, grant.slot) });
    }
  }
  for (const bucket of draft.state.buckets) {
    if (isDueToExpire(bucket, now)) steps.push({ kind: 'expire', at: bucket.expiresAt, bucketId: bucket.id });
  }
  for (const hold of expiredHolds(draft.state.holds, now)) steps.push({ kind: 'release', at: hold.expiresAt, holdId: hold.id });
  // At one instant a hold ending returns its credits before a bucket ending forfeits them, the old slot
  // ends before the new one begins, and a slot is granted before it is raised.
  const RANK = { release: 0, expire: 1, grant: 2, raise: 3 } as const;
  const rank = (step: DueStep): number => RANK[step.kind];
  steps.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b));
  for (const step of steps) {
    if (step.kind === 'grant') grantSlot(draft, step);
    else if (step.kind === 'release') {
      const hold = draft.state.holds.find((h) => h.id === step.holdId);
      if (hold) releaseHold(draft, hold, step.at, 'expired');
    } else if (step.kind === 'raise') {
      const bucket = draft.bucket(step.bucketId);
      if (bucket) raiseSlotEntitlement(draft, bucket, step.level, step.at);
    } else {
      const bucket = draft.bucket(step.bucketId);
      if (bucket && !bucket.expired) draft.expire(bucket, step.at);
    }
  }
}

function grantSlot(draft: AccountDraft, step: DueGrant): void {
  const { term, slot } = step;
  if (!term.issuedSlots.includes(slot.index)) term.issuedSlots.push(slot.index);
  draft.grant({
    id: slotBucketId(term, slot),
    source: 'subscription',
    granted: slotCreditsAtStart(draft.state, term, slot),
    grantedAt: step.at,
    expiresAt: slot.end,
    ref: term.invoiceIds[0] ?? term.id,
  });
}

/**
 * The next instant at which the sweep has work on this account: a slot start, a bucket or hold expiry,
 * or, as soon as it runs, a settled hold to compact away (src/domain/archive.ts).
 */
export function nextDueAt(state: AccountState, now: Date): Date | null {
  let next: number | null = null;
  const consider = (t: number): void => {
    if (t > now.getTime() && (next === null || t < next)) next = t;
  };
  for (const bucket of state.buckets) {
    if (!bucket.expired && bucket.expiresAt) consider(bucket.expiresAt.getTime());
  }
  for (const hold of state.holds) {
    if (hold.status === 'held') consider(hold.expiresAt.getTime());
    else if (hold.settledAt && (next === null || hold.settledAt.getTime() < next)) next = hold.settledAt.getTime();
  }
  for (const term of state.terms) {
    const upcoming = slotsOfTerm(term).find((s) => s.start.getTime() > now.getTime());
    if (upcoming && slotIsIssued(state, term, upcoming)) consider(upcoming.start.getTime());
  }
  return next === null ? null : new Date(next);
}
