const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 1 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 31);
}

/**
 * Calendar-month arithmetic in UTC, always counted from the anchor so a short month never
 * shifts later ones: Jan 31 + 1 = Feb 28 (or 29), Jan 31 + 2 = Mar 31, Jan 31 + 3 = Apr 30.
 * The anchor is taken apart once: every read settles every term, month by month.
 */
export function monthsFrom(anchor: Date): (months: number) => Date {
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth();
  const day = anchor.getUTCDate();
  const timeOfDay = anchor.getTime() - Date.UTC(year, month, day);
  return (months) => {
    const total = month + months;
    const y = year + Math.floor(total / 12);
    const m = total - 12 * Math.floor(total / 12);
    return new Date(Date.UTC(y, m, Math.min(day, daysInMonth(y, m))) + timeOfDay);
  };
}

export function addMonthsClamped(anchor: Date, months: number): Date {
  return monthsFrom(anchor)(months);
}
