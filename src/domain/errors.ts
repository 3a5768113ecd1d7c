/** Codes a use case can fail with; only the HTTP error handler turns them into statuses. */
export type DomainErrorCode =
  | 'invalid_request'
  | 'insufficient_credits'
  | 'idempotency_key_reused'
  | 'customer_not_found'
  | 'concurrent_update'
  /** The database did not answer (paused, unreachable, restarting): nothing was half-applied, retrying is safe. */
  | 'unavailable'
  /** A ledger write met a different entry under the same key (src/store/README.md): retryable, never a success. */
  | 'ledger_conflict'
  | 'stripe_error'
  | 'stripe_not_configured'
  | 'not_found'
  | 'clock_disabled'
  | 'invalid_signature'
  /** A signed webhook body that is not a Stripe event with a string id and type: nothing is stored. */
  | 'invalid_event'
  /** Holds (SPEC §9): no such hold for this customer, or one that already ended otherwise. */
  | 'hold_not_found'
  | 'hold_expired'
  | 'hold_captured'
  | 'hold_released';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
