import express, { Router } from 'express';
import { ingestEvent } from '../../app/ingestEvent';
import type { IngestDeps } from '../../app/ingestEvent';
import type { Metrics, VerifyWebhook, WebhookAnswer } from '../../app/ports';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import { isDomainError } from '../../domain/errors';
import { sendError } from '../errors';
import { bindLogFields, requestLogger } from '../requestLog';

export interface WebhookRouteDeps {
  verifyWebhook: VerifyWebhook;
  /** The ingest use case's dependencies, the Stripe mapper among them. */
  ingest: IngestDeps;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

const WEBHOOK_BODY_LIMIT = '1mb';

/** Verify, then hand the trusted event to the ingest use case. */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = Router();

  // The signature covers the exact bytes Stripe sent, so this route must see the raw body.
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const startedAt = performance.now();
    let answer: WebhookAnswer = 'rejected';
    try {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const event = deps.verifyWebhook({ rawBody, signature: req.header('stripe-signature'), receivedAt: deps.clock.now() });
      // From here on the event is trusted: a failure below is the event's, and its lines name it.
      answer = 'failed';
      bindLogFields(res, { eventId: event.id, eventType: event.type });
      const result = await ingestEvent(deps.ingest, { event, now: deps.clock.now() });
      answer = result.status;
      bindLogFields(res, { customer: result.customer });
      // A child logger per event costs more than the rest of the line: made only when the line is written.
      if (deps.logger.isLevelEnabled('info')) requestLogger(res, deps.logger).info({ status: result.status, reason: result.reason }, 'stripe event');
      res.json({ received: true, status: result.status });
    } catch (error) {
      // Stripe retries any failure; a database that did not answer is answered 500 like any failed dependency.
      if (isDomainError(error) && error.code === 'unavailable') {
        requestLogger(res, deps.logger).error({ err: error }, 'request failed');
        return sendError(res, 500, error.code, error.message);
      }
      throw error;
    } finally {
      deps.metrics.webhookAnswered({ outcome: answer, seconds: (performance.now() - startedAt) / 1000 });
    }
  });

  return router;
}
