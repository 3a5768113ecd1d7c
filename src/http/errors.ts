import type { ErrorRequestHandler, Response } from 'express';
import { isDomainError } from '../domain/errors';
import type { DomainErrorCode } from '../domain/errors';
import type { Logger } from '../logger';
import { requestLogger } from './requestLog';

/** The only place that chooses an HTTP status for a domain error. */
const STATUS: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  invalid_signature: 400,
  invalid_event: 400,
  insufficient_credits: 402,
  customer_not_found: 404,
  not_found: 404,
  idempotency_key_reused: 409,
  concurrent_update: 503,
  unavailable: 503,
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

/** The status a domain error is answered with, on the JSON API and on the billing page alike. */
export function statusOf(code: DomainErrorCode): number {
  return STATUS[code];
}

export function sendError(res: Response, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { type, message, ...extra } });
}

interface ClientError {
  status: number;
  type: string;
  message: string;
}

function field(error: object, key: string): unknown {
  return key in error ? Reflect.get(error, key) : undefined;
}

/**
 * What body-parser and the router raise for what a client sent: an answer naming the problem, never a 500.
 * They mark such errors with a 4xx `status` (and body-parser with a `type`); compressed bodies (gzip,
 * deflate, br) are inflated by body-parser itself and held to the size limit after inflating.
 */
export function clientError(error: unknown): ClientError | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = field(error, 'status');
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  switch (field(error, 'type')) {
    case 'entity.too.large':
      return { status: 413, type: 'payload_too_large', message: 'Request body is larger than allowed.' };
    case 'entity.parse.failed':
      return { status: 400, type: 'invalid_request', message: 'Body is not valid JSON.' };
    case 'charset.unsupported':
      return { status: 415, type: 'unsupported_media_type', message: `Charset ${String(field(error, 'charset') ?? '').toUpperCase()} is not supported: send JSON as UTF-8.` };
    case 'encoding.unsupported':
      return {
        status: 415,
        type: 'unsupported_media_type',
        message: `Content-Encoding "${String(field(error, 'encoding'))}" is not supported: send the body as is, or gzip, deflate or br.`,
      };
  }
  // The router could not decode a path parameter (`%zz`): its URIError carries status 400.
  if (field(error, 'name') === 'URIError') return { status: 400, type: 'invalid_request', message: 'The path is not valid percent-encoding.' };
  // Anything else body-parser refuses (bytes that do not inflate, a body shorter than its Content-Length…).
  return { status: status === 413 ? 413 : 400, type: status === 413 ? 'payload_too_large' : 'invalid_request', message: 'The request body could not be read.' };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const log = requestLogger(res, logger);
    // Already answered (the deadline in src/http/deadline.ts spoke first): the late failure is only logged.
    if (res.headersSent) {
      log.warn({ err: error }, 'request finished after it was answered');
      return;
    }
    if (isDomainError(error)) {
      const status = STATUS[error.code];
      // The code and our own details only (Stripe's error type and request id), never the cause: Stripe's message may quote a key.
      if (status >= 500) log.warn({ code: error.code, details: error.details }, 'request not served');
      else log.debug({ code: error.code }, error.message);
      sendError(res, status, error.code, error.message, error.details);
      return;
    }
    const refused = clientError(error);
    if (refused) {
      log.debug({ status: refused.status, type: refused.type }, refused.message);
      sendError(res, refused.status, refused.type, refused.message);
      return;
    }
    // A dependency failed (MongoDB, Stripe): 500 so Stripe retries the webhook; nothing was half-applied.
    log.error({ err: error }, 'request failed');
    sendError(res, 500, 'internal_error', 'The request could not be completed; it is safe to retry.');
  };
}
