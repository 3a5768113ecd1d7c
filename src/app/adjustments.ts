import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../domain/account';
import { adjust, adjustmentOpKey } from '../domain/adjust';
import { DomainError } from '../domain/errors';
import type { AccountService } from './accounts';

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

export interface AdjustmentOutcome {
  /** false when the key had been used by the same request before: the first answer is returned again. */
  created: boolean;
  receipt: AdjustmentReceipt;
}

/** Only a Stripe customer id may get an account from an adjustment: a typo like "42" must not. */
const STRIPE_CUSTOMER = /^cus_[A-Za-z0-9]+$/;

/**
 * Whether an adjustment may open an account that does not exist yet: a goodwill grant to a Stripe
 * customer who never paid, yes; taking credits from nobody, no (customer_not_found).
 */
export function mayOpenAccount(command: Pick<AdjustmentCommand, 'customer' | 'amount'>): boolean {
  return command.amount > 0 && STRIPE_CUSTOMER.test(command.customer);
}

function fingerprint(command: AdjustmentCommand): string {
  const canonical = JSON.stringify(['adjust', command.amount, command.reason, command.expiresAt?.toISOString() ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}

function receiptOf(entry: LedgerEntry): AdjustmentReceipt {
  const { id, type, amount, balanceAfter, at, bucket, ref } = entry;
  return { entry: { id, type, amount, balanceAfter, at, bucket, ref }, balance: balanceAfter };
}

/** Grants or takes credits by hand, exactly once per idempotency key (the same rule as debits). */
export async function adjustCredits(accounts: AccountService, command: AdjustmentCommand): Promise<AdjustmentOutcome> {
  const requestHash = fingerprint(command);
  const { result } = await accounts.mutate({
    customer: command.customer,
    now: command.now,
    create: mayOpenAccount(command),
    opKey: adjustmentOpKey(command.idempotencyKey),
    decide: (draft, context) => {
      // Looked up before the request is judged, so a retry still answers after expiresAt has passed.
      const earlier = context.applied;
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new DomainError(
            'idempotency_key_reused',
            `idempotencyKey ${command.idempotencyKey} was already used for a different adjustment.`,
          );
        }
        return { created: false, entry: earlier };
      }
      const entry = adjust(draft, {
        amount: command.amount,
        idempotencyKey: command.idempotencyKey,
        requestHash,
        reason: command.reason,
        expiresAt: command.expiresAt,
        at: context.now,
      });
      return { created: true, entry };
    },
  });
  return { created: result.created, receipt: receiptOf(result.entry) };
}
