import { heldByBucket } from './account';
import type { Bucket, ChargeFact, DisputeStatus, PaymentRecord, TopupRecord } from './account';
import type { AccountDraft } from './draft';

/**
 * Refunds and disputes of top-ups (SPEC §3.8). What Stripe says is first kept as a fact of the
 * payment (PaymentRecord), then `applyPaymentReversals` brings the payment's top-up in line with
 * the facts. That step is idempotent and also runs when the top-up is granted, so a refund that
 * arrives before its checkout.session.completed ends in the same ledger.
 */

export interface RefundNotice {
  /** Stripe's payment intent; charges without one are keyed by the charge id. */
  paymentIntent: string | null;
  charge: string;
  amount: number;
  /** Stripe's cumulative total for the charge, not this refund's amount. */
  amountRefunded: number;
  invoice: string | null;
  at: Date;
}

export interface DisputeNotice {
  id: string;
  paymentIntent: string | null;
  charge: string | null;
  status: DisputeStatus;
  at: Date;
}

function paymentKey(paymentIntent: string | null, charge: string | null): string {
  return paymentIntent ?? `charge:${charge ?? 'unknown'}`;
}

function paymentRecord(draft: AccountDraft, key: string): PaymentRecord {
  let record = draft.state.payments.find((p) => p.paymentIntent === key);
  if (!record) {
    record = { paymentIntent: key, charges: [], disputes: [] };
    draft.state.payments.push(record);
    draft.touch();
  }
  return record;
}

export function recordRefund(draft: AccountDraft, notice: RefundNotice): void {
  const key = paymentKey(notice.paymentIntent, notice.charge);
  const record = paymentRecord(draft, key);
  const charge = record.charges.find((c) => c.id === notice.charge);
  if (!charge) {
    record.charges.push({ id: notice.charge, amount: notice.amount, amountRefunded: notice.amountRefunded, invoice: notice.invoice });
    draft.touch();
  } else if (notice.amountRefunded > charge.amountRefunded || (notice.invoice && !charge.invoice)) {
    // Deliveries are unordered: a stale charge.refunded never lowers the total.
    charge.amountRefunded = Math.max(charge.amountRefunded, notice.amountRefunded);
    charge.invoice = charge.invoice ?? notice.invoice;
    draft.touch();
  }
  applyPaymentReversals(draft, key, notice.at);
}

/** Dispute status only moves forward: open → won | lost; a late `created` never reopens a closed dispute. */
export function recordDispute(draft: AccountDraft, notice: DisputeNotice): void {
  const key = paymentKey(notice.paymentIntent, notice.charge);
  const record = paymentRecord(draft, key);
  const dispute = record.disputes.find((d) => d.id === notice.id);
  if (!dispute) {
    record.disputes.push({ id: notice.id, charge: notice.charge, status: notice.status });
    draft.touch();
  } else if (dispute.status === 'open' && notice.status !== 'open') {
    dispute.status = notice.status;
    draft.touch();
  }
  applyPaymentReversals(draft, key, notice.at);
}

/** Credits all refunds of the payment call back: floor(credits × refunded / amount), summed over its charges. */
export function refundTarget(credits: number, charges: ChargeFact[]): number {
  const claimed = charges.reduce((sum, c) => (c.amount > 0 ? sum + Math.floor((credits * Math.min(c.amountRefunded, c.amount)) / c.amount) : sum), 0);
  return Math.min(credits, claimed);
}

export function applyPaymentReversals(draft: AccountDraft, paymentIntent: string, at: Date): void {
  const topup = draft.state.topups.find((t) => t.paymentIntent === paymentIntent);
  const payment = draft.state.payments.find((p) => p.paymentIntent === paymentIntent);
  if (!topup || !payment) return;
  const bucket = draft.bucket(topup.bucket);
  if (!bucket) return;
  const when = bucket.grantedAt.getTime() > at.getTime() ? bucket.grantedAt : at;
  applyRefunds(draft, { topup, bucket, payment, at: when });
  applyDisputes(draft, { topup, bucket, payment, at: when });
  bucket.revoked = revokedNow(topup);
  bucket.shortfall = topup.refundShortfall + topup.disputes.reduce((s, d) => s + (d.restored ? 0 : d.shortfall), 0);
}

interface Reversal {
  topup: TopupRecord;
  bucket: Bucket;
  payment: PaymentRecord;
  at: Date;
}

/**
 * Takes up to `wanted` credits back; never below zero, nothing from an expired bucket, and nothing a hold
 * reserved (a job is running on those: like spent credits, they become the shortfall).
 */
function takeBack(draft: AccountDraft, bucket: Bucket, wanted: number): number {
  const free = bucket.remaining - (heldByBucket(draft.state).get(bucket.id) ?? 0);
  const taken = bucket.expired ? 0 : Math.min(wanted, free);
  bucket.remaining -= taken;
  return taken;
}

function applyRefunds(draft: AccountDraft, { topup, bucket, payment, at }: Reversal): void {
  const target = refundTarget(topup.credits, payment.charges);
  if (target <= topup.refundClaimed) return;
  const wanted = target - topup.refundClaimed;
  const taken = takeBack(draft, bucket, wanted);
  topup.refundClaimed = target;
  topup.refundShortfall += wanted - taken;
  draft.touch();
  if (taken > 0) {
    draft.record({ type: 'revoke', amount: -taken, at, bucket: bucket.id, ref: payment.paymentIntent, opKey: `revoke:${bucket.id}:refund:${target}` });
  }
}

function applyDisputes(draft: AccountDraft, { topup, bucket, payment, at }: Reversal): void {
  for (const dispute of payment.disputes) {
    let effect = topup.disputes.find((d) => d.dispute === dispute.id);
    if (!effect) {
      // A dispute claws back what is left; what was spent (or refunded) it cannot, and that is the shortfall.
      const revoked = takeBack(draft, bucket, bucket.remaining);
      effect = { dispute: dispute.id, revoked, shortfall: Math.max(0, topup.credits - topup.refundClaimed - revoked), restored: false };
      topup.disputes.push(effect);
      draft.touch();
      if (revoked > 0) {
        draft.record({ type: 'revoke', amount: -revoked, at, bucket: bucket.id, ref: dispute.id, opKey: `revoke:${bucket.id}:dispute:${dispute.id}` });
      }
    }
    if (dispute.status === 'won' && !effect.restored) restoreDispute(draft, bucket, effect, at);
  }
}

/** A won dispute gives back exactly what it revoked, unless the bucket has expired since (then it would be forfeited). */
function restoreDispute(draft: AccountDraft, bucket: Bucket, effect: TopupRecord['disputes'][number], at: Date): void {
  effect.restored = true;
  draft.touch();
  // Capped at what the bucket was granted, so the invariant remaining ≤ granted holds whatever happened between.
  const restored = Math.min(effect.revoked, bucket.granted - bucket.remaining);
  if (bucket.expired || restored <= 0) return;
  bucket.remaining += restored;
  draft.record({ type: 'restore', amount: restored, at, bucket: bucket.id, ref: effect.dispute, opKey: `restore:${bucket.id}:dispute:${effect.dispute}` });
}

function revokedNow(topup: TopupRecord): number {
  const byRefunds = topup.refundClaimed - topup.refundShortfall;
  return byRefunds + topup.disputes.reduce((s, d) => s + (d.restored ? 0 : d.revoked), 0);
}
