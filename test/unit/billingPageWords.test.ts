import type { LedgerEntry, LedgerEntryType } from '../../src/domain/account';
import { describeActivity } from '../../src/domain/activity';
import type { SubscriptionView } from '../../src/domain/view';
import { formatsFor, pickLocale } from '../../src/http/billingPage/format';
import { activityRows, paymentNotice, topupExpiryText } from '../../src/http/billingPage/pageModel';
import { contrastRatio, themeFor } from '../../src/http/billingPage/theme';
import { parseCssColour } from '../../src/config/cssColour';

const en = formatsFor('en-US');
let seq = 0;

function entry(type: LedgerEntryType, amount: number, at: string, fields: Partial<LedgerEntry> = {}): LedgerEntry {
  seq += 1;
  return {
    id: `cus_1:${seq}`,
    customer: 'cus_1',
    seq,
    type,
    amount,
    balanceAfter: 0,
    at: new Date(at),
    bucket: null,
    ref: 'ref',
    opKey: `${type}:${seq}`,
    allocations: [],
    requestHash: null,
    reason: null,
    metadata: null,
    ...fields,
  };
}

function sentences(entries: LedgerEntry[], subscription: SubscriptionView | null = null): string[] {
  return activityRows({ activity: entries, balance: { customer: 'cus_1', balance: 0, available: 0, held: 0, buckets: [], subscription, nextGrant: null } }, en).map(
    (row) => `${row.label}${row.note ? ` (${row.note})` : ''} ${row.amount}`,
  );
}

describe('recent activity in words', () => {
  it('when the ledger holds a month’s grant, a top-up, an expiry and a debit, then each reads as the customer would say it', () => {
    expect(
      sentences([
        entry('grant', 5000, '2026-12-01T00:00:00Z', { bucket: 'slot:sub_1:2026-12-01T00:00:00.000Z', ref: 'in_1' }),
        entry('grant', 1000, '2026-12-03T00:00:00Z', { bucket: 'topup:cs_1', ref: 'cs_1' }),
        entry('expire', -1200, '2026-12-31T00:00:00Z', { bucket: 'slot:sub_1:2026-12-01T00:00:00.000Z' }),
        entry('debit', -120, '2026-12-04T00:00:00Z'),
      ]),
    ).toEqual(['Monthly credits for Dec 2026 +5,000', 'Top-up +1,000', 'Expired −1,200', 'Used −120']);
  });

  it('when a debit has a reason, then the app’s reason is shown with it, and an operator’s adjustment reason is not', () => {
    expect(
      sentences([
        entry('debit', -40, '2026-12-04T00:00:00Z', { reason: 'video render' }),
        entry('adjust', 500, '2026-12-05T00:00:00Z', { reason: 'ticket 4411: internal note' }),
        entry('adjust', -200, '2026-12-06T00:00:00Z', { reason: 'duplicate grant' }),
      ]),
    ).toEqual(['Used (video render) −40', 'Credits added +500', 'Credits removed −200']);
  });

  it('when credits are raised, refunded, disputed and restored, then each says so', () => {
    expect(
      sentences([
        entry('raise', 15000, '2026-07-31T00:00:00Z'),
        entry('revoke', -1000, '2026-08-01T00:00:00Z', { opKey: 'revoke:topup:cs_1:refund:1000' }),
        entry('revoke', -700, '2026-08-02T00:00:00Z', { opKey: 'revoke:topup:cs_2:dispute:dp_1' }),
        entry('restore', 700, '2026-08-09T00:00:00Z', { opKey: 'restore:topup:cs_2:dispute:dp_1' }),
      ]),
    ).toEqual(['Plan upgrade +15,000', 'Top-up refunded −1,000', 'Top-up disputed −700', 'Dispute closed: credits restored +700']);
  });

  it('when a slot is granted inside the trial the subscription is still in, then it reads as trial credits', () => {
    const trialing: SubscriptionView = {
      id: 'sub_1', plan: 'pro', price: 'price_pro_m', months: 1, status: 'trialing',
      termStart: new Date('2026-03-01T00:00:00Z'), termEnd: new Date('2026-03-15T00:00:00Z'), cancelAtPeriodEnd: false,
    };
    const grant = entry('grant', 100, '2026-03-01T00:00:00Z', { bucket: 'slot:sub_1:2026-03-01T00:00:00.000Z', ref: 'in_trial' });

    expect(sentences([grant], trialing)).toEqual(['Trial credits +100']);
    expect(describeActivity([grant], { ...trialing, status: 'active' })[0]?.kind).toBe('monthly');
  });
});

describe('numbers, money and dates in the viewer’s locale', () => {
  it.each([
    ['fr-CH, fr;q=0.9, en;q=0.8', 'fr-CH'],
    ['de;q=0.5, en-GB;q=0.9', 'en-GB'],
    ['xx-invalid-tag-!!, ja', 'ja'],
    ['*', 'en-US'],
    ['', 'en-US'],
    [undefined, 'en-US'],
    [`${'a'.repeat(300)}`, 'en-US'],
  ])('when Accept-Language is %p, then the page speaks %p', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });

  it('when formatting for en-US, then thousands are separated, signs are real minus signs and dates are UTC calendar dates', () => {
    expect(en.number(1234567)).toBe('1,234,567');
    expect(en.signed(5000)).toBe('+5,000');
    expect(en.signed(-1200)).toBe('−1,200');
    expect(en.date(new Date('2026-12-24T23:30:00Z'))).toBe('Dec 24, 2026');
    expect(en.month(new Date('2026-12-01T00:00:00Z'))).toBe('Dec 2026');
    expect(en.dateTime(new Date('2026-12-24T13:05:00Z')).replace(/\s/g, ' ')).toBe('Dec 24, 2026, 1:05 PM UTC');
  });

  it('when formatting for German, then the separators are German', () => {
    const de = formatsFor('de-DE');
    expect(de.number(5000)).toBe('5.000');
    expect(de.money(2000, 'eur')).toBe('20,00\u00a0€');
  });

  it('when Stripe gives minor units, then the currency’s own decimals apply', () => {
    expect(en.money(2000, 'usd')).toBe('$20.00');
    expect(en.money(2000, 'jpy')).toBe('¥2,000');
    expect(en.money(2000, 'not a currency')).toBeNull();
  });
});

describe('notices and settings in words', () => {
  const grant = entry('grant', 2000, '2026-03-10T00:00:00Z', { bucket: 'topup:cs_test_paid', ref: 'cs_test_paid' });

  it('when the customer is back from Checkout before the webhook, then the notice says the credits arrive in a moment and the page looks again', () => {
    expect(paymentNotice({ paid: 'cs_test_paid' }, { activity: [] }, en)).toEqual({ tone: 'pending', text: 'Payment received. Your credits arrive in a moment.', awaitingCredits: true });
  });

  it('when the session’s grant is in the ledger, then the notice turns into the credits added', () => {
    expect(paymentNotice({ paid: 'cs_test_paid' }, { activity: [grant] }, en)).toEqual({ tone: 'success', text: 'Payment received: 2,000 credits added.', awaitingCredits: false });
  });

  it('when the paid parameter is not a session id, then nothing is looked up and the page does not poll', () => {
    expect(paymentNotice({ paid: '<script>' }, { activity: [grant] }, en)).toMatchObject({ tone: 'pending', awaitingCredits: false });
    expect(paymentNotice({ canceled: '1' }, { activity: [] }, en)).toMatchObject({ tone: 'info' });
    expect(paymentNotice({}, { activity: [] }, en)).toBeNull();
  });

  it.each([
    ['never' as const, 'Top-up credits never expire.'],
    ['cycle' as const, 'Top-up credits expire at the end of the month they are bought in.'],
    [{ days: 90 }, 'Top-up credits expire 90 days after purchase.'],
  ])('when topupExpiry is %p, then the page says %p', (expiry, text) => {
    expect(topupExpiryText(expiry)).toBe(text);
  });
});

describe('the accent colour', () => {
  const white = { r: 255, g: 255, b: 255 };
  const rgb = (hex: string) => parseCssColour(hex) ?? white;

  it.each(['#4f46e5', '#ffeb3b', '#00ff00', '#777777', '#000000', '#ffffff'])(
    'when the accent is %s, then button text and links on white both reach 4.5:1',
    (accent) => {
      const theme = themeFor(accent);
      expect(contrastRatio(rgb(theme.accent), rgb(theme.onAccent))).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(rgb(theme.accentText), white)).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('when no accent is set, then the page’s own indigo is used unchanged', () => {
    expect(themeFor(null)).toEqual({ accent: '#4f46e5', onAccent: '#ffffff', accentText: '#4f46e5' });
  });
});
