import { addMonthsClamped } from '../../src/domain/months';
import { MAX_TERM_MONTHS, TERM_SLACK_DAYS, slotsOfTerm, termLengthProblem } from '../../src/domain/slots';

const d = (iso: string): Date => new Date(iso);
const starts = (start: string, end: string): string[] => slotsOfTerm({ start: d(start), end: d(end) }).map((s) => s.start.toISOString());

describe('month arithmetic counted from the anchor', () => {
  test.each([
    ['2026-01-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 2, '2026-03-31T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 3, '2026-04-30T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', 12, '2029-02-28T12:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', 48, '2032-02-29T12:00:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 3, '2027-02-28T00:00:00.000Z'],
    ['2026-12-15T08:30:00.000Z', 1, '2027-01-15T08:30:00.000Z'],
    ['2026-05-31T23:59:59.999Z', 1, '2026-06-30T23:59:59.999Z'],
  ])('when the anchor is %s, then %i months later is %s', (anchor, months, expected) => {
    expect(addMonthsClamped(d(anchor), months).toISOString()).toBe(expected);
  });
});

describe('slots of a term', () => {
  test('when an annual plan is paid on Jan 31, then the slots start Jan 31, Feb 28, Mar 31, Apr 30 … and the last ends at the term end', () => {
    const slots = slotsOfTerm({ start: d('2026-01-31T00:00:00Z'), end: d('2027-01-31T00:00:00Z') });
    expect(slots.map((s) => s.start.toISOString().slice(0, 10))).toEqual([
      '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30',
      '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31',
    ]);
    expect(slots.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(slots[11]?.end.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    for (let i = 0; i < 11; i++) expect(slots[i]?.end.getTime()).toBe(slots[i + 1]?.start.getTime());
  });

  test('when an annual plan starts on Feb 29 of a leap year, then slots clamp to month ends and never drift', () => {
    expect(starts('2028-02-29T00:00:00Z', '2029-02-28T00:00:00Z').map((s) => s.slice(0, 10))).toEqual([
      '2028-02-29', '2028-03-29', '2028-04-29', '2028-05-29', '2028-06-29', '2028-07-29',
      '2028-08-29', '2028-09-29', '2028-10-29', '2028-11-29', '2028-12-29', '2029-01-29',
    ]);
  });

  test('when an annual plan starts Aug 31, then every slot starts on its month’s last day or the 31st', () => {
    expect(starts('2026-08-31T10:00:00Z', '2027-08-31T10:00:00Z').map((s) => s.slice(0, 10))).toEqual([
      '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31', '2027-01-31',
      '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30', '2027-07-31',
    ]);
  });

  test('when a quarterly term starts Nov 30, then its slots start Nov 30, Dec 30, Jan 30 and it ends Feb 28', () => {
    const slots = slotsOfTerm({ start: d('2026-11-30T00:00:00Z'), end: d('2027-02-28T00:00:00Z') });
    expect(slots.map((s) => [s.start.toISOString().slice(0, 10), s.end.toISOString().slice(0, 10)])).toEqual([
      ['2026-11-30', '2026-12-30'],
      ['2026-12-30', '2027-01-30'],
      ['2027-01-30', '2027-02-28'],
    ]);
  });

  test('when a term starts at 23:59:59.999 UTC on a month’s last day, then each slot starts at that instant of the next month’s last day', () => {
    expect(starts('2026-01-31T23:59:59.999Z', '2026-04-30T23:59:59.999Z')).toEqual([
      '2026-01-31T23:59:59.999Z',
      '2026-02-28T23:59:59.999Z',
      '2026-03-31T23:59:59.999Z',
    ]);
  });

  test('when a monthly plan is paid, then its term is one slot', () => {
    expect(slotsOfTerm({ start: d('2026-03-15T00:00:00Z'), end: d('2026-04-15T00:00:00Z') })).toHaveLength(1);
  });

  test('when Stripe ends the term a little before the anchor’s next month, then the last slot ends at the term end', () => {
    const slots = slotsOfTerm({ start: d('2026-01-31T00:00:00Z'), end: d('2026-04-29T00:00:00Z') });
    expect(slots.map((s) => s.end.toISOString().slice(0, 10))).toEqual(['2026-02-28', '2026-03-31', '2026-04-29']);
  });

  test('when a trial lasts 14 days, then it is one short slot', () => {
    const slots = slotsOfTerm({ start: d('2026-03-01T00:00:00Z'), end: d('2026-03-15T00:00:00Z') });
    expect(slots).toEqual([{ index: 0, start: d('2026-03-01T00:00:00Z'), end: d('2026-03-15T00:00:00Z') }]);
  });

  test('when a term is empty or inverted, then it has no slots', () => {
    expect(slotsOfTerm({ start: d('2026-03-01T00:00:00Z'), end: d('2026-03-01T00:00:00Z') })).toEqual([]);
  });
});

describe('a term that cannot be split into slots is refused, whatever the caller checked before', () => {
  test.each([
    ['an end Stripe could never send (1e15 seconds is no date)', d('2026-03-01T00:00:00Z'), new Date(1e15 * 1000)],
    ['an invalid start', new Date(Number.NaN), d('2026-04-01T00:00:00Z')],
    ['a thousand years', d('2026-03-01T00:00:00Z'), d('3026-03-01T00:00:00Z')],
    ['a day more than the longest price the catalog can sell and its slack', d('2026-03-01T00:00:00Z'), new Date(addMonthsClamped(d('2026-03-01T00:00:00Z'), MAX_TERM_MONTHS).getTime() + (TERM_SLACK_DAYS + 1) * 86_400_000)],
  ])('when a term has %s, then slotsOfTerm throws instead of listing slots', (_case, start, end) => {
    expect(() => slotsOfTerm({ start, end })).toThrow(RangeError);
  });

  test('when a term is exactly the longest price the catalog can sell, then it has one slot a month', () => {
    const start = d('2026-03-01T00:00:00Z');
    expect(slotsOfTerm({ start, end: addMonthsClamped(start, MAX_TERM_MONTHS) })).toHaveLength(MAX_TERM_MONTHS);
  });
});

describe('a paid term is as long as its price, give or take a few days', () => {
  const start = d('2026-01-31T00:00:00Z');
  test.each([
    ['a monthly price and a month', 1, false, '2026-02-28T00:00:00Z', null],
    ['an annual price and a year', 12, false, '2027-01-31T00:00:00Z', null],
    ['a monthly price and a month and 3 days (an anchor Stripe moved)', 1, false, '2026-03-03T00:00:00Z', null],
    ['a monthly price and 14 days (a short first period)', 1, false, '2026-02-14T00:00:00Z', null],
    ['a monthly price and a 60-day trial', 1, true, '2026-04-01T00:00:00Z', null],
  ])('when %s, then the term is accepted', (_case, months, trial, end, expected) => {
    expect(termLengthProblem({ term: { start, end: d(end) }, months, trial })).toBe(expected);
  });

  test.each([
    ['a monthly price and two months', 1, false, '2026-03-31T00:00:00Z', 'longer than the 1-month price allows'],
    ['an annual price and 30 years', 12, false, '2056-01-31T00:00:00Z', 'longer than the 12-month price allows'],
    ['a trial of three years', 1, true, '2029-01-31T00:00:00Z', 'longer than a trial can be'],
    ['an end before the start', 1, false, '2026-01-01T00:00:00Z', 'does not end after it starts'],
  ])('when %s, then the term is refused saying why', (_case, months, trial, end, reason) => {
    expect(termLengthProblem({ term: { start, end: d(end) }, months, trial })).toContain(reason);
  });

  test('when a date is no date at all, then the term is refused saying so', () => {
    expect(termLengthProblem({ term: { start, end: new Date(1e18) }, months: 1, trial: false })).toContain('not a valid date');
  });
});
