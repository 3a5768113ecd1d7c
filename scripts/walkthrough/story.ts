/**
 * The year the walkthrough tells, as plain data: an annual `pro` plan paid on Jan 31 2026, what the
 * customer spends each month, and the three things that change the balance besides the monthly grant.
 * Fixed dates, so the output is the same on every run. test/e2e/walkthrough.test.ts reads this story
 * and the catalog to work out, by the policy, what the table must say.
 */

export const CUSTOMER = 'cus_walkthrough';
export const SUBSCRIPTION = 'sub_walkthrough';
/** The plan paid at the start, and the annual price of each plan (credits.config.json). */
export const FIRST_PLAN = 'pro';
export const ANNUAL_PRICE: Record<string, string> = { pro: 'price_pro_y', max: 'price_max_y' };

/** Month starts of an annual term paid on Jan 31: the day is clamped and always counted from the 31st. */
export const MONTH_STARTS = [
  '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30',
  '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31', '2027-01-31',
].map((day) => `${day}T00:00:00.000Z`);
export const RENEWAL_END = '2028-01-31T00:00:00.000Z';

export type Action =
  /** POST /debits; refused with 402 when the balance is short. */
  | { kind: 'spend'; at: string; amount: number }
  /** A paid Checkout Session of ours (mode payment) for `quantity` packs of a catalog top-up price. */
  | { kind: 'topup'; at: string; price: string; quantity: number; amountPaid: number }
  /** charge.refunded of the top-up's charge; `amountRefunded` is Stripe's cumulative total. */
  | { kind: 'refund'; at: string; amountRefunded: number }
  /** A portal switch to a bigger plan: customer.subscription.updated, then its paid proration invoice. */
  | { kind: 'upgrade'; at: string; plan: string };

const day = (date: string): string => `${date}T12:00:00.000Z`;

/** Everything the customer does, in time order; each month's actions fall inside that month's slot. */
export const ACTIONS: Action[] = [
  { kind: 'spend', at: day('2026-02-10'), amount: 1500 },
  { kind: 'spend', at: day('2026-03-10'), amount: 3000 },
  // Month 3: a busy month runs the customer dry; a top-up gets them through it.
  { kind: 'spend', at: day('2026-04-08'), amount: 4800 },
  { kind: 'spend', at: day('2026-04-20'), amount: 500 },
  { kind: 'topup', at: day('2026-04-21'), price: 'price_topup_1k', quantity: 2, amountPaid: 2000 },
  { kind: 'spend', at: day('2026-04-22'), amount: 500 },
  // Month 4: half of the top-up's payment is refunded.
  { kind: 'refund', at: day('2026-05-05'), amountRefunded: 1000 },
  { kind: 'spend', at: day('2026-05-15'), amount: 2000 },
  { kind: 'spend', at: day('2026-06-10'), amount: 3500 },
  { kind: 'spend', at: day('2026-07-10'), amount: 2500 },
  // Month 7: running low again, the customer upgrades to max in the portal.
  { kind: 'spend', at: day('2026-08-05'), amount: 4500 },
  { kind: 'upgrade', at: day('2026-08-10'), plan: 'max' },
  { kind: 'spend', at: day('2026-08-20'), amount: 10000 },
  { kind: 'spend', at: day('2026-09-10'), amount: 12000 },
  { kind: 'spend', at: day('2026-10-10'), amount: 16000 },
  { kind: 'spend', at: day('2026-11-10'), amount: 9000 },
  { kind: 'spend', at: day('2026-12-10'), amount: 14000 },
  { kind: 'spend', at: day('2027-01-10'), amount: 18000 },
];

/** The actions inside month `index` (0-based), in time order. */
export function actionsOfMonth(index: number): Action[] {
  const start = MONTH_STARTS[index];
  const end = MONTH_STARTS[index + 1];
  if (!start || !end) return [];
  return ACTIONS.filter((a) => a.at >= start && a.at < end);
}
