import { addMonthsClamped, monthsFrom } from './months';

export interface Slot {
  index: number;
  start: Date;
  end: Date;
}

export interface Period {
  start: Date;
  end: Date;
}

/** The longest billing term a catalog price may have (src/config/catalog.ts refuses longer ones). */
export const MAX_TERM_MONTHS = 120;
/**
 * How much longer than its price's interval a paid period may be: Stripe clamps anchors to month ends and
 * lets a first period run to a billing-cycle anchor, so a term can overrun by a day or two, never by weeks.
 */
export const TERM_SLACK_DAYS = 3;
/** Stripe refuses trials longer than two years. */
export const MAX_TRIAL_DAYS = 730;

const DAY_MS = 86_400_000;

function isValidDate(date: Date): boolean {
  return Number.isFinite(date.getTime());
}

/**
 * Splits a paid term into month slots: slot k starts k calendar months after the term start
 * (clamped, from the anchor); the last slot ends exactly at the term end, whatever Stripe chose.
 *
 * The loop below ends only at a valid end date, and its length is the term's in months: an invalid
 * date or a term longer than any price is refused here, whatever the callers checked before, so no
 * stored term can make a read or the sweep spin.
 */
export function slotsOfTerm(term: Period): Slot[] {
  if (!isValidDate(term.start) || !isValidDate(term.end)) throw new RangeError('a term needs valid start and end dates');
  const monthsLater = monthsFrom(term.start);
  if (term.end.getTime() > monthsLater(MAX_TERM_MONTHS).getTime() + TERM_SLACK_DAYS * DAY_MS) {
    throw new RangeError(`a term longer than ${MAX_TERM_MONTHS} months cannot be split into slots`);
  }
  const slots: Slot[] = [];
  // Each boundary is computed once: a slot's end is the next one's start (every read settles every term).
  for (let index = 0, start = term.start; start.getTime() < term.end.getTime(); index++) {
    const next = monthsLater(index + 1);
    slots.push({ index, start, end: next.getTime() < term.end.getTime() ? next : term.end });
    start = next;
  }
  return slots;
}

/**
 * Why a paid period cannot be a term of a `months`-month price, or null when it can: it must end after
 * it starts, and last no longer than the price's interval plus a few days (a trial: up to Stripe's limit).
 */
export function termLengthProblem(input: { term: Period; months: number; trial: boolean }): string | null {
  const { term, months, trial } = input;
  if (!isValidDate(term.start) || !isValidDate(term.end)) return 'the term has a date that is not a valid date';
  if (term.end.getTime() <= term.start.getTime()) return 'the term does not end after it starts';
  const span = `${term.start.toISOString()} → ${term.end.toISOString()}`;
  if (trial) {
    const latest = term.start.getTime() + MAX_TRIAL_DAYS * DAY_MS;
    return term.end.getTime() > latest ? `the trial ${span} is longer than a trial can be (${MAX_TRIAL_DAYS} days)` : null;
  }
  const latest = addMonthsClamped(term.start, Math.min(months, MAX_TERM_MONTHS)).getTime() + TERM_SLACK_DAYS * DAY_MS;
  return term.end.getTime() > latest ? `the term ${span} is longer than the ${months}-month price allows (plus ${TERM_SLACK_DAYS} days)` : null;
}

/** The slot of a term that contains the instant, if any. */
export function slotAt(term: Period, instant: Date): Slot | undefined {
  const t = instant.getTime();
  return slotsOfTerm(term).find((s) => s.start.getTime() <= t && t < s.end.getTime());
}
