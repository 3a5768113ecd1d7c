import type { LedgerEntry } from '../domain/account';
import { adjust, adjustmentOpKey } from '../domain/adjust';
import { isStripeCustomerId } from '../domain/customerId';
import type { AccountService } from './accounts';
import { onceByKey } from './idempotency';
import type { KeyedOutcome } from './idempotency';

export interface AdjustmentCommand {
  customer: string;
  /** Non-zero integer: positive grants a bucket of its own, negative takes credits in spending order. */
  amount: number;
  reason: string;
  idempotencyKey: string;
  /** Positive amounts only; null = never expires. */
  expiresAt: Date | null;
  now: Date;
}

export interface AdjustmentReceipt {
  entry: { id: string; type: LedgerEntry['type']; amount: number; balanceAfter: number; at: Date; bucket: string | null; ref: string };
  /** The balance right after the adjustment, so a replay answers exactly what the first call did. */
  balance: number;
}

/**
 * Whether an adjustment may open an account that does not exist yet: a goodwill grant to a Stripe
 * customer who never paid, yes; taking credits from nobody, no (customer_not_found).
 */
export function mayOpenAccount(command: Pick<AdjustmentCommand, 'customer' | 'amount'>): boolean {
  // Only a Stripe customer id may get an account from an adjustment: a typo like "42" must not.
  return command.amount > 0 && isStripeCustomerId(command.customer);
}

function receiptOf(entry: LedgerEntry): AdjustmentReceipt {
  const { id, type, amount, balanceAfter, at, bucket, ref } = entry;
  return { entry: { id, type, amount, balanceAfter, at, bucket, ref }, balance: balanceAfter };
}

/** Grants or takes credits by hand, exactly once per idempotency key (the same rule as debits). */
export function adjustCredits(accounts: AccountService, command: AdjustmentCommand): Promise<KeyedOutcome<AdjustmentReceipt>> {
  const { amount, idempotencyKey, reason, expiresAt } = command;
  return onceByKey(accounts, command, {
    what: 'adjustment',
    opKey: adjustmentOpKey(idempotencyKey),
    fingerprint: ['adjust', amount, reason, expiresAt?.toISOString() ?? null],
    create: mayOpenAccount(command),
    replay: receiptOf,
    apply: (draft, { now, requestHash }) => receiptOf(adjust(draft, { amount, idempotencyKey, requestHash, reason, expiresAt, at: now })),
  });
}
