import type { AccountState, Bucket, LedgerEntry, PlanChange, Term } from './account';
import type { AccountDraft } from './draft';
import type { Slot } from './slots';

export type PlanChangeInput = Omit<PlanChange, 'id'>;

export function planChangeId(change: Pick<PlanChange, 'subscriptionId' | 'at' | 'price'>): string {
  return `${change.subscriptionId}:${change.at.toISOString()}:${change.price}`;
}

/**
 * Records a plan change (SPEC §3.6) as a fact of the account. Settling turns the facts into slot
 * amounts and raises, so a change told before or after its term's invoice reaches the same ledger.
 */
export function recordPlanChange(draft: AccountDraft, input: PlanChangeInput): void {
  const id = planChangeId(input);
  const existing = draft.state.planChanges.find((c) => c.id === id);
  if (existing) {
    // The same change told by the subscription event and by its paid proration: paid wins.
    if (input.raisesSlot && !existing.raisesSlot) {
      existing.raisesSlot = true;
      draft.touch();
    }
    return;
  }
  draft.state.planChanges.push({ id, ...input });
  draft.touch();
}

/** The changes that took effect during a term, oldest first (a tie reads the larger plan last). */
function changesDuring(state: AccountState, term: Term): PlanChange[] {
  return state.planChanges
    .filter((c) => c.subscriptionId === term.subscriptionId)
    .filter((c) => c.at.getTime() >= term.start.getTime() && c.at.getTime() < term.end.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.monthlyCredits - b.monthlyCredits);
}

/**
 * What a slot grants at its start: the plan in force then. A trial's slots grant its trialCredits
 * whatever the plan (a change during a trial pays nothing until the trial converts).
 */
export function slotCreditsAtStart(state: AccountState, term: Term, slot: Slot): number {
  if (term.trial) return term.slotCredits;
  let credits = term.slotCredits;
  for (const change of changesDuring(state, term)) {
    if (change.at.getTime() <= slot.start.getTime()) credits = change.monthlyCredits;
  }
  return credits;
}

export interface SlotRaise {
  at: Date;
  /** The entitlement the slot rises to: the monthlyCredits of a plan paid during it. */
  level: number;
}

/** The paid plan changes inside a slot: each may lift the slot to the largest plan paid during it. */
export function raisesOfSlot(state: AccountState, term: Term, slot: Slot): SlotRaise[] {
  if (term.trial) return [];
  return changesDuring(state, term)
    .filter((c) => c.raisesSlot && c.at.getTime() >= slot.start.getTime() && c.at.getTime() < slot.end.getTime())
    .map((c) => ({ at: c.at, level: c.monthlyCredits }));
}

/**
 * Lifts a slot's bucket to `level`, granting the difference. Keyed by level, and only upwards, so an
 * upgrade → downgrade → upgrade inside one slot grants the difference once; a downgrade changes nothing.
 */
export function raiseSlotEntitlement(draft: AccountDraft, bucket: Bucket, level: number, at: Date): LedgerEntry | undefined {
  if (bucket.expired || level <= bucket.granted) return undefined;
  const difference = level - bucket.granted;
  bucket.granted = level;
  bucket.remaining += difference;
  return draft.record({
    type: 'raise',
    amount: difference,
    at,
    bucket: bucket.id,
    ref: bucket.ref,
    opKey: `raise:${bucket.id}:${level}`,
  });
}
