import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response, Router } from 'express';
import type { Logger } from '../logger';

/** An incoming id is kept only if it cannot smuggle anything into a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Probes and scrapes arrive every few seconds; their access lines are debug so they do not drown the rest. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** The shape of a billing link's token (43 base64url characters), wherever in a path it stands. */
const TOKEN_SHAPED = /[A-Za-z0-9_-]{43,}/;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A billing-page link's token is a credential in its path: logs say which page, never which token. Whatever the
 * path's case, slashes or escapes (`/Billing/…`, `//billing/…`, `/%62illing/…`, `/billing/…/x`), the segment after a
 * `billing` segment is `:token`, and so is any other segment holding something shaped like a token.
 */
export function loggedPath(path: string): string {
  const segments = path.split('/');
  let afterBilling = false;
  const logged = segments.map((segment) => {
    if (segment === '') return segment;
    const plain = decoded(segment);
    const redacted = afterBilling || TOKEN_SHAPED.test(plain) ? ':token' : segment;
    afterBilling = plain.toLowerCase() === 'billing';
    return redacted;
  });
  return logged.join('/');
}

/**
 * The fields every line of a request carries. A pino child logger is made only when a line is written
 * (most requests write just the access line, or nothing below the configured level): making one per
 * request and per bound field was a measurable share of a balance read's CPU.
 */
const boundFields = new WeakMap<Response, Record<string, string>>();

/** The logger of the request this response answers: every line carries its requestId (and what is bound later). */
export function requestLogger(res: Response, fallback: Logger): Logger {
  const fields = boundFields.get(res);
  return fields ? fallback.child(fields) : fallback;
}

/** Adds fields (eventId, customer…) to every later line of this request, the access line included. */
export function bindLogFields(res: Response, fields: Record<string, string | null>): void {
  const current = boundFields.get(res);
  if (!current) return;
  for (const [key, value] of Object.entries(fields)) if (value !== null) current[key] = value;
}

/**
 * Gives each request an id (the caller's X-Request-Id if sane, else a new one), returns it in the
 * X-Request-Id header, and writes one access line when the response is done. The path is logged
 * without its query string; headers and bodies are never logged (they carry keys and signatures).
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    boundFields.set(res, { requestId });
    const startedAt = performance.now();
    const method = req.method;
    const path = loggedPath(req.path);
    res.on('close', () => {
      const fields = {
        method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - startedAt) * 10) / 10,
        // false when the client went away before the answer was complete
        completed: res.writableFinished,
      };
      const level = res.statusCode >= 500 ? 'warn' : QUIET_PATHS.has(path) ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) requestLogger(res, logger)[level](fields, 'request');
    });
    next();
  };
}

/** Puts the `:customer` of a router's paths on every line of the request. */
export function logCustomerParam(router: Router): Router {
  router.param('customer', (_req, res, next, customer: unknown) => {
    if (typeof customer === 'string') bindLogFields(res, { customer });
    next();
  });
  return router;
}
