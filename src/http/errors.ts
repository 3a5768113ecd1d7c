import type { ErrorRequestHandler, Response } from 'express';
import { isDomainError } from '../domain/errors';
import type { DomainErrorCode } from '../domain/errors';
import type { Logger } from '../logger';
import { requestLogger } from './requestLog';

/** The only place that chooses an HTTP status for a domain error. */
const STATUS: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  invalid_signature: 400,
  insufficient_credits: 402,
  customer_not_found: 404,
  not_found: 404,
  idempotency_key_reused: 409,
  concurrent_update: 503,
  ledger_conflict: 503,
  clock_disabled: 404,
  stripe_error: 502,
  // This deployment has no STRIPE_SECRET_KEY: not the caller's fault, and retrying will not help until it is set.
  stripe_not_configured: 503,
  hold_not_found: 404,
  hold_expired: 409,
  hold_captured: 409,
  hold_released: 409,
};

export function sendError(res: Response, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { type, message, ...extra } });
}

function bodyParserStatus(error: unknown): { status: number; type: string } | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  if (error.type === 'entity.too.large') return { status: 413, type: 'payload_too_large' };
  if (error.type === 'entity.parse.failed') return { status: 400, type: 'invalid_request' };
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const log = requestLogger(res, logger);
    if (isDomainError(error)) {
      const status = STATUS[error.code];
      // The code and our own details only (Stripe's error type and request id), never the cause: Stripe's message may quote a key.
      if (status >= 500) log.warn({ code: error.code, details: error.details }, 'request not served');
      else log.debug({ code: error.code }, error.message);
      sendError(res, status, error.code, error.message, error.details);
      return;
    }
    const parser = bodyParserStatus(error);
    if (parser) {
      sendError(res, parser.status, parser.type, parser.status === 413 ? 'Request body is larger than allowed.' : 'Body is not valid JSON.');
      return;
    }
    // A dependency failed (MongoDB, Stripe): 500 so Stripe retries the webhook; nothing was half-applied.
    log.error({ err: error }, 'request failed');
    sendError(res, 500, 'internal_error', 'The request could not be completed; it is safe to retry.');
  };
}
