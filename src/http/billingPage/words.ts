import type { ActivityItem } from '../../domain/activity';
import type { TermKind } from '../../domain/customerView';
import type { Formats } from './format';

/** The page's English: what a ledger entry, a status and a term are called to the end customer. */

export function activityLabel(item: ActivityItem, f: Formats): string {
  switch (item.kind) {
    case 'monthly':
      return `Monthly credits for ${f.month(item.at)}`;
    case 'trial':
      return 'Trial credits';
    case 'topup':
      return 'Top-up';
    case 'upgrade':
      return 'Plan upgrade';
    case 'used':
      return 'Used';
    case 'expired':
      return 'Expired';
    case 'refund':
      return 'Top-up refunded';
    case 'dispute':
      return 'Top-up disputed';
    case 'restored':
      return 'Dispute closed: credits restored';
    case 'added':
      return 'Credits added';
    case 'removed':
      return 'Credits removed';
  }
}

const STATUS: Record<string, string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Payment overdue',
  unpaid: 'Unpaid',
  paused: 'Paused',
  canceled: 'Canceled',
  incomplete: 'Awaiting payment',
  incomplete_expired: 'Expired',
};

/** Stripe may add statuses: an unknown one is shown as Stripe spells it rather than hidden. */
export function statusLabel(status: string): string {
  return STATUS[status] ?? status;
}

export function termLabel(term: TermKind | null, months: number | null): string | null {
  switch (term) {
    case 'monthly':
      return 'Monthly';
    case 'quarterly':
      return 'Quarterly';
    case 'semiannual':
      return 'Every 6 months';
    case 'annual':
      return 'Annual';
    case 'other':
      return `Every ${months} months`;
    case null:
      return null;
  }
}

/** Catalog plan ids are lower-case words ("pro"): shown as a name ("Pro"), whatever else they hold. */
export function planName(id: string | null): string {
  if (!id) return 'Your plan';
  return id.charAt(0).toUpperCase() + id.slice(1);
}

export function credits(n: number, f: Formats): string {
  return `${f.number(n)} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}
