import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../domain/account';
import type { AccountDraft } from '../domain/draft';
import { DomainError } from '../domain/errors';
import type { AccountService } from './accounts';

/** What a command made at most once per idempotency key came to. */
export interface KeyedOutcome<R> {
  /** false when the key had been used by the same request before: the first answer is returned again. */
  created: boolean;
  receipt: R;
}

/** The request a key was sent with. */
export interface KeyedRequest {
  customer: string;
  idempotencyKey: string;
  now: Date;
}

export interface KeyRule<R> {
  /** What the key is used for, as the 409 says it: "a different debit". */
  what: 'debit' | 'hold' | 'adjustment';
  /** The effect the key names (`debit:<key>`, `hold:<id>`…): found along with the account, in the same read. */
  opKey: string;
  /** The request's parts that make it the same request: their SHA-256 is recorded on the effect's entry (`requestHash`). */
  fingerprint: unknown[];
  /** Whether a new key may open an account that does not exist yet; otherwise customer_not_found (the default). */
  create?: boolean;
  /** The answer the key's effect recorded, given again to a retry of the same request. */
  replay(earlier: LedgerEntry): R;
  /** Makes the effect of a key not seen before; its entry must record `requestHash`. */
  apply(draft: AccountDraft, made: { now: Date; requestHash: string }): R;
}

/**
 * The rule debits, holds and adjustments share (SPEC §3.10, §9): a key whose effect exists answers that effect
 * again when the request is the same one, and `idempotency_key_reused` (409) when it is another; a new key
 * applies. The key is looked up before the request is judged, so a retry still answers after what made the first
 * request valid has passed (an adjustment's `expiresAt`, a spent balance).
 */
export async function onceByKey<R>(accounts: AccountService, request: KeyedRequest, rule: KeyRule<R>): Promise<KeyedOutcome<R>> {
  const requestHash = createHash('sha256').update(JSON.stringify(rule.fingerprint)).digest('hex');
  const { result } = await accounts.mutate<KeyedOutcome<R>>({
    customer: request.customer,
    now: request.now,
    create: rule.create ?? false,
    opKey: rule.opKey,
    decide: (draft, context) => {
      const earlier = context.applied;
      if (earlier === null) return { created: true, receipt: rule.apply(draft, { now: context.now, requestHash }) };
      if (earlier.requestHash !== requestHash) {
        throw new DomainError('idempotency_key_reused', `idempotencyKey ${request.idempotencyKey} was already used for a different ${rule.what}.`);
      }
      return { created: false, receipt: rule.replay(earlier) };
    },
  });
  return result;
}
