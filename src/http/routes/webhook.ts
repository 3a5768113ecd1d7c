import express, { Router } from 'express';
import type { Metrics, WebhookAnswer } from '../../app/metrics';
import type { Logger } from '../../logger';
import type { WebhookReceiver } from '../../stripe/webhookReceiver';
import { bindLogFields, requestLogger } from '../requestLog';

export interface WebhookRouteDeps {
  receiveWebhook: WebhookReceiver;
  metrics: Metrics;
  logger: Logger;
}

const WEBHOOK_BODY_LIMIT = '1mb';

export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = Router();

  // The signature covers the exact bytes Stripe sent, so this route must see the raw body.
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const startedAt = performance.now();
    let answer: WebhookAnswer = 'rejected';
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await deps.receiveWebhook(raw, req.header('stripe-signature'), (event) => {
        // From here on the event is trusted: a failure below is the event's, and its lines name it.
        answer = 'failed';
        bindLogFields(res, { eventId: event.id, eventType: event.type });
      });
      answer = result.status;
      bindLogFields(res, { customer: result.customer });
      requestLogger(res, deps.logger).info({ status: result.status, reason: result.reason }, 'stripe event');
      res.json({ received: true, status: result.status });
    } finally {
      deps.metrics.webhookAnswered({ outcome: answer, seconds: (performance.now() - startedAt) / 1000 });
    }
  });

  return router;
}
