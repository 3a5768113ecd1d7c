/**
 * Numbers, money and dates in the viewer's locale (from Accept-Language), rendered on the server so the page reads
 * right without JavaScript. Dates are calendar dates in UTC, the zone every grant is computed in; the page's small
 * script re-renders them in the viewer's own zone when it may run.
 */
export const DEFAULT_LOCALE = 'en-US';

const MAX_HEADER_LENGTH = 256;
const MINUS = '\u2212';

/** The first language of an Accept-Language header that this runtime can format, by preference; else en-US. */
export function pickLocale(acceptLanguage: string | undefined): string {
  if (!acceptLanguage || acceptLanguage.length > MAX_HEADER_LENGTH) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{1,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag !== '' && r.tag !== '*' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(Intl.getCanonicalLocales(tag));
      if (supported) return supported;
    } catch {
      // Not a well-formed language tag: try the next one.
    }
  }
  return DEFAULT_LOCALE;
}

export interface Formats {
  locale: string;
  /** 5,000 */
  number(n: number): string;
  /** +5,000 or −1,200 (a real minus sign) */
  signed(n: number): string;
  /** Dec 24, 2026 */
  date(d: Date): string;
  /** Dec 2026 */
  month(d: Date): string;
  /** Dec 24, 2026, 11:38 AM UTC */
  dateTime(d: Date): string;
  /** $20.00, from Stripe's minor units; null when the currency is unknown to this runtime. */
  money(minorUnits: number, currency: string): string | null;
}

export function formatsFor(locale: string): Formats {
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const months = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const instants = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  return {
    locale,
    number: (n) => numbers.format(n),
    signed: (n) => (n < 0 ? `${MINUS}${numbers.format(-n)}` : `+${numbers.format(n)}`),
    date: (d) => dates.format(d),
    month: (d) => months.format(d),
    dateTime: (d) => `${instants.format(d)} UTC`,
    money: (minorUnits, currency) => {
      try {
        const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
        // Stripe counts in the currency's minor unit: 2000 USD cents is $20.00, 2000 JPY is ¥2,000.
        const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
        return format.format(minorUnits / 10 ** digits);
      } catch {
        return null;
      }
    },
  };
}
