import type { Request, RequestHandler, Response } from 'express';
import { sendError } from './errors';

/** Every request is answered within 5 s (issue 11): this leaves room for the answer itself. */
export const ANSWER_WITHIN_MS = 4500;

/**
 * Answers for a request that is still waiting on the database when the deadline comes. The work goes on
 * and may still finish; that is safe because every effect is keyed: the client's retry with the same
 * idempotency key, or Stripe's redelivery, answers it then. The store's own timeouts
 * (src/store/connection.ts) end the work soon after.
 */
export function answerWithin(ms: number, answer: (res: Response, req: Request) => void): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) answer(res, req);
    }, ms);
    timer.unref();
    const stop = (): void => clearTimeout(timer);
    res.once('finish', stop);
    res.once('close', stop);
    next();
  };
}

/** The work goes on (see above), so whether it is done is not known yet: the same key again tells. */
const LATE = 'The database did not answer in time: this request is not known to be done. Retry it with the same idempotency key; the answer then says what happened.';

/** The JSON API's answer: 503 `unavailable`. */
export const unavailableJson = (res: Response): void => sendError(res, 503, 'unavailable', LATE);

/** A webhook's answer: 500, so Stripe retries. */
export const unavailableWebhook = (res: Response): void => sendError(res, 500, 'unavailable', LATE);
