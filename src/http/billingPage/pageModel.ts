import type { BillingPageRead } from '../../app/billingPage';
import { describeActivity } from '../../domain/activity';
import type { TopupExpiry } from '../../domain/catalog';
import type { CustomerView, WayOut } from '../../domain/customerView';
import { topupBucketId } from '../../domain/topups';
import type { Formats } from './format';
import { activityLabel, credits, planName, statusLabel, termLabel } from './words';

/**
 * What the templates print: every value already a string in the viewer's locale, so the templates hold no
 * logic beyond "if" and "for each", and the escaping of every value is the template engine's.
 */
export interface When {
  iso: string;
  text: string;
}

export interface ActivityRow {
  label: string;
  note: string | null;
  when: When;
  amount: string;
  gain: boolean;
}

export interface Offer {
  price: string;
  credits: string;
  /** Price of one pack, e.g. "$20.00"; null: Checkout shows it. */
  unitPrice: string | null;
  unitAmount: number | null;
  currency: string | null;
  locale: string;
}

export type WayOutRow =
  | { kind: 'wait'; credits: string; when: When }
  | { kind: 'topup'; offers: string[] }
  | { kind: 'upgrade'; plans: string[] };

export interface Notice {
  tone: 'success' | 'pending' | 'info';
  text: string;
  /** The page reloads itself (script only) until the credits arrive. */
  awaitingCredits: boolean;
}

export function when(d: Date, f: Formats): When {
  return { iso: d.toISOString(), text: f.date(d) };
}

export function activityRows(read: Pick<BillingPageRead, 'activity' | 'balance'>, f: Formats): ActivityRow[] {
  return describeActivity(read.activity, read.balance.subscription).map((item) => ({
    label: activityLabel(item, f),
    note: item.note,
    when: when(item.at, f),
    amount: f.signed(item.amount),
    gain: item.amount >= 0,
  }));
}

export function topupExpiryText(expiry: TopupExpiry): string {
  if (expiry === 'never') return 'Top-up credits never expire.';
  if (expiry === 'cycle') return 'Top-up credits expire at the end of the month they are bought in.';
  return `Top-up credits expire ${expiry.days} ${expiry.days === 1 ? 'day' : 'days'} after purchase.`;
}

export function offers(read: Pick<BillingPageRead, 'topups'>, f: Formats): Offer[] {
  return read.topups.map(({ topup, price }) => ({
    price: topup.price,
    credits: credits(topup.credits, f),
    unitPrice: price ? f.money(price.unitAmount, price.currency) : null,
    unitAmount: price?.unitAmount ?? null,
    currency: price?.currency.toUpperCase() ?? null,
    locale: f.locale,
  }));
}

export function wayOutRows(ways: WayOut[], offerList: Offer[], f: Formats): WayOutRow[] {
  return ways.map((way): WayOutRow => {
    switch (way.kind) {
      case 'wait':
        return { kind: 'wait', credits: credits(way.credits, f), when: when(way.at, f) };
      case 'topup':
        return { kind: 'topup', offers: offerList.map((o) => (o.unitPrice ? `${o.credits} for ${o.unitPrice}` : o.credits)) };
      case 'upgrade':
        return { kind: 'upgrade', plans: way.plans.map((p) => `${planName(p.id)}: ${credits(p.monthlyCredits, f)} a month`) };
    }
  });
}

/** A Checkout session id as Stripe's success URL fills it in; anything else is not looked up. */
const CHECKOUT_SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/**
 * Back from Checkout: the success URL names the session, so the page can tell "paid, on its way" (the webhook has
 * not arrived yet) from "paid and credited" by looking for that session's grant in the ledger.
 */
export function paymentNotice(query: { paid?: unknown; canceled?: unknown }, read: Pick<BillingPageRead, 'activity'>, f: Formats): Notice | null {
  if (typeof query.paid === 'string') {
    const session = CHECKOUT_SESSION_ID.test(query.paid) ? query.paid : null;
    const grant = session ? read.activity.find((e) => e.type === 'grant' && e.bucket === topupBucketId(session)) : undefined;
    if (grant) return { tone: 'success', text: `Payment received: ${credits(grant.amount, f)} added.`, awaitingCredits: false };
    return { tone: 'pending', text: 'Payment received. Your credits arrive in a moment.', awaitingCredits: session !== null };
  }
  if (query.canceled !== undefined) return { tone: 'info', text: 'Checkout was canceled. Nothing was charged.', awaitingCredits: false };
  return null;
}

export interface CreditsSummary {
  available: string;
  /** "This month's plan credits", or "Trial credits" while a trial runs. */
  monthLabel: string;
  out: boolean;
  low: boolean;
  month: { remaining: string; granted: string; remainingValue: number; grantedValue: number; endsAt: When; refill: string | null } | null;
  topups: Array<{ remaining: string; expiresAt: When | null }>;
  extra: string | null;
}

export function creditsSummary(view: CustomerView, f: Formats): CreditsSummary {
  return {
    available: f.number(view.available),
    monthLabel: view.plan?.status === 'trialing' ? 'Trial credits' : 'This month’s plan credits',
    out: view.available <= 0,
    low: view.low,
    month: view.month && {
      remaining: f.number(view.month.remaining),
      granted: f.number(view.month.granted),
      remainingValue: view.month.remaining,
      grantedValue: view.month.granted,
      endsAt: when(view.month.endsAt, f),
      refill: view.month.refill === null ? null : f.number(view.month.refill),
    },
    topups: view.topups.map((t) => ({ remaining: f.number(t.remaining), expiresAt: t.expiresAt && when(t.expiresAt, f) })),
    extra: view.extra > 0 ? f.number(view.extra) : null,
  };
}

export interface PlanSummary {
  name: string;
  status: string;
  statusTone: 'good' | 'warn' | 'muted';
  term: string | null;
  multiMonth: boolean;
  termStart: When | null;
  termEnd: When | null;
  nextMonthly: { credits: string; when: When } | null;
  /** "Renews", "Term renews" (a multi-month term) or "Trial ends", and what each month brings after it. */
  renewal: { label: string; when: When; credits: string | null } | null;
  endsAt: When | null;
}

export function planSummary(view: CustomerView, f: Formats): PlanSummary | null {
  const plan = view.plan;
  if (!plan) return null;
  const tone = ['active', 'trialing'].includes(plan.status) ? 'good' : ['past_due', 'unpaid', 'incomplete'].includes(plan.status) ? 'warn' : 'muted';
  return {
    name: planName(plan.plan),
    status: plan.cancelAtPeriodEnd && plan.endsAt ? `${statusLabel(plan.status)}, ends ${f.date(plan.endsAt)}` : statusLabel(plan.status),
    statusTone: tone,
    term: termLabel(plan.term, plan.months),
    multiMonth: (plan.months ?? 1) > 1,
    termStart: plan.termStart && when(plan.termStart, f),
    termEnd: plan.termEnd && when(plan.termEnd, f),
    nextMonthly: plan.nextMonthly && { credits: f.signed(plan.nextMonthly.credits), when: when(plan.nextMonthly.at, f) },
    renewal: plan.renewal && {
      label: plan.status === 'trialing' ? 'Trial ends' : (plan.months ?? 1) > 1 ? 'Term renews' : 'Renews',
      when: when(plan.renewal.at, f),
      credits: plan.renewal.credits === null ? null : `${plan.status === 'trialing' ? 'Then' : 'Brings'} ${credits(plan.renewal.credits, f)} a month`,
    },
    endsAt: plan.endsAt && when(plan.endsAt, f),
  };
}
