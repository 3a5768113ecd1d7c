import { addMonthsClamped } from './months';

export interface Slot {
  index: number;
  start: Date;
  end: Date;
}

export interface Period {
  start: Date;
  end: Date;
}

/**
 * Splits a paid term into month slots: slot k starts k calendar months after the term start
 * (clamped, from the anchor); the last slot ends exactly at the term end, whatever Stripe chose.
 */
export function slotsOfTerm(term: Period): Slot[] {
  const slots: Slot[] = [];
  if (term.end.getTime() <= term.start.getTime()) return slots;
  for (let index = 0; ; index++) {
    const start = addMonthsClamped(term.start, index);
    if (start.getTime() >= term.end.getTime()) break;
    const next = addMonthsClamped(term.start, index + 1);
    const end = next.getTime() < term.end.getTime() ? next : term.end;
    slots.push({ index, start, end });
  }
  return slots;
}

/** The slot of a term that contains the instant, if any. */
export function slotAt(term: Period, instant: Date): Slot | undefined {
  const t = instant.getTime();
  return slotsOfTerm(term).find((s) => s.start.getTime() <= t && t < s.end.getTime());
}
