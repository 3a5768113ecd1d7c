import { findPlanByPrice } from './catalog';
import type { Catalog, Plan, Topup } from './catalog';
import { isRunningLow, lowBalanceRule } from './lowBalance';
import { LIVE_STATUSES } from './subscriptions';
import type { BalanceView, BucketView, SubscriptionView } from './view';

/**
 * What the end customer's billing page says about an account (SPEC §8), derived from the balance view alone:
 * how many credits there are and of which kind, the plan and what comes next, and the ways out when short.
 * Pure and locale-free: numbers and dates are formatted by the page.
 */
export interface CustomerView {
  available: number;
  /** This month's subscription credits; null without a running monthly slot. */
  month: MonthCredits | null;
  /** Top-ups apart, soonest expiry first (never-expiring last). */
  topups: Array<{ remaining: number; expiresAt: Date | null }>;
  /** Credits an operator added by hand. */
  extra: number;
  plan: PlanView | null;
  /** Out of credits, or under the catalog's lowBalance threshold. */
  low: boolean;
  /** In order: when credits come back, top-ups to buy, the upgrade. Empty unless low. */
  waysOut: WayOut[];
}

export interface MonthCredits {
  remaining: number;
  granted: number;
  /** When the unused rest expires. */
  endsAt: Date;
  /** Credits the next month brings at that instant, if a grant is due then. */
  refill: number | null;
}

export type TermKind = 'monthly' | 'quarterly' | 'semiannual' | 'annual' | 'other';

export interface PlanView {
  plan: string | null;
  months: number | null;
  term: TermKind | null;
  status: string;
  cancelAtPeriodEnd: boolean;
  termStart: Date | null;
  termEnd: Date | null;
  monthlyCredits: number | null;
  /** The next month of a multi-month term that is already paid for. */
  nextMonthly: { at: Date; credits: number } | null;
  /** When the subscription renews and what each month then brings; null when it will not renew. */
  renewal: { at: Date; credits: number | null } | null;
  /** When a subscription set to cancel stops. */
  endsAt: Date | null;
}

export type WayOut =
  | { kind: 'wait'; at: Date; credits: number }
  | { kind: 'topup'; topups: Topup[] }
  | { kind: 'upgrade'; plans: Array<{ id: string; monthlyCredits: number }> };

const TERM_KINDS: Record<number, TermKind> = { 1: 'monthly', 3: 'quarterly', 6: 'semiannual', 12: 'annual' };

function isLive(sub: SubscriptionView): boolean {
  return LIVE_STATUSES.has(sub.status);
}

function planOf(catalog: Catalog, sub: SubscriptionView | null): Plan | null {
  if (!sub?.price) return null;
  return findPlanByPrice(catalog, sub.price)?.plan ?? catalog.plans.find((p) => p.id === sub.plan) ?? null;
}

function sumRemaining(buckets: BucketView[]): number {
  return buckets.reduce((sum, b) => sum + b.remaining, 0);
}

function monthCredits(balance: BalanceView): MonthCredits | null {
  const slots = balance.buckets.filter((b) => b.source === 'subscription');
  const ends = slots.flatMap((b) => (b.expiresAt ? [b.expiresAt.getTime()] : []));
  if (ends.length === 0) return null;
  const endsAt = new Date(Math.min(...ends));
  const next = balance.nextGrant;
  return {
    remaining: sumRemaining(slots),
    granted: slots.reduce((sum, b) => sum + b.granted, 0),
    endsAt,
    refill: next && next.at.getTime() === endsAt.getTime() ? next.credits : null,
  };
}

function planView(balance: BalanceView, plan: Plan | null, now: Date): PlanView | null {
  const sub = balance.subscription;
  if (!sub) return null;
  const termEnd = sub.termEnd;
  const upcoming = termEnd !== null && termEnd.getTime() > now.getTime();
  const renews = isLive(sub) && !sub.cancelAtPeriodEnd && upcoming;
  const next = balance.nextGrant;
  const grantAtRenewal = next && termEnd && next.at.getTime() === termEnd.getTime() ? next.credits : null;
  return {
    plan: sub.plan,
    months: sub.months,
    term: sub.months === null ? null : (TERM_KINDS[sub.months] ?? 'other'),
    status: sub.status,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    termStart: sub.termStart,
    termEnd,
    monthlyCredits: plan?.monthlyCredits ?? null,
    nextMonthly: next && termEnd && next.at.getTime() < termEnd.getTime() ? next : null,
    renewal: renews && termEnd ? { at: termEnd, credits: grantAtRenewal ?? plan?.monthlyCredits ?? null } : null,
    endsAt: isLive(sub) && sub.cancelAtPeriodEnd && upcoming ? termEnd : null,
  };
}

function waysOut(balance: BalanceView, catalog: Catalog, plan: Plan | null): WayOut[] {
  const ways: WayOut[] = [];
  if (balance.nextGrant) ways.push({ kind: 'wait', at: balance.nextGrant.at, credits: balance.nextGrant.credits });
  if (catalog.topups.length > 0) ways.push({ kind: 'topup', topups: catalog.topups });
  const sub = balance.subscription;
  // The portal changes a running subscription; it cannot start one, so only a live subscriber is offered an upgrade.
  if (sub && isLive(sub) && plan) {
    const bigger = catalog.plans
      .filter((p) => p.monthlyCredits > plan.monthlyCredits)
      .sort((a, b) => a.monthlyCredits - b.monthlyCredits)
      .map((p) => ({ id: p.id, monthlyCredits: p.monthlyCredits }));
    if (bigger.length > 0) ways.push({ kind: 'upgrade', plans: bigger });
  }
  return ways;
}

export function customerView(balance: BalanceView, catalog: Catalog, now: Date): CustomerView {
  const plan = planOf(catalog, balance.subscription);
  const month = monthCredits(balance);
  // Credits a running job holds are the customer's but not spendable now: the page counts what is available.
  const low = isRunningLow({
    available: balance.available,
    monthlyAllotment: month?.granted ?? plan?.monthlyCredits ?? null,
    rule: lowBalanceRule(catalog),
  });
  return {
    available: balance.available,
    month,
    topups: balance.buckets
      .filter((b) => b.source === 'topup' && b.remaining > 0)
      .map((b) => ({ remaining: b.remaining, expiresAt: b.expiresAt })),
    extra: sumRemaining(balance.buckets.filter((b) => b.source === 'adjustment')),
    plan: planView(balance, plan, now),
    low,
    waysOut: low ? waysOut(balance, catalog, plan) : [],
  };
}
