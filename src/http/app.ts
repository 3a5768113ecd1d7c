import express from 'express';
import type { Express } from 'express';
import type { AccountService } from '../app/accounts';
import type { BillingGateway } from '../app/billing';
import type { AccountStore, LedgerStore, Ping } from '../app/ports';
import type { RunDueResult } from '../app/runDue';
import type { Catalog } from '../domain/catalog';
import type { AdjustableClock, Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { WebhookReceiver } from '../stripe/webhookReceiver';
import type { AuthKeys } from './auth';
import { requireKey } from './auth';
import { errorHandler, sendError } from './errors';
import { adminRoutes } from './routes/admin';
import { adjustmentRoutes } from './routes/adjustments';
import { checkoutRoutes } from './routes/checkout';
import { customerRoutes } from './routes/customers';

export interface AppDeps {
  clock: Clock;
  testClock: AdjustableClock | null;
  accounts: AccountService;
  accountStore: AccountStore;
  ledger: LedgerStore;
  health: Ping;
  receiveWebhook: WebhookReceiver;
  runDue: (asOf: Date) => Promise<RunDueResult>;
  auth: AuthKeys;
  logger: Logger;
  catalog: Catalog;
  billing: BillingGateway;
}

const WEBHOOK_BODY_LIMIT = '1mb';

/** Builds the Express app without listening, so tests drive the real app through supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.health.ping();
    res.status(ok ? 200 : 503).json({ ok, mongodb: ok ? 'up' : 'down' });
  });

  // The signature covers the exact bytes Stripe sent, so this route must see the raw body.
  app.post('/webhooks/stripe', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await deps.receiveWebhook(raw, req.header('stripe-signature'));
    deps.logger.info(
      { eventId: result.eventId, eventType: result.eventType, customer: result.customer, status: result.status, reason: result.reason },
      'stripe event',
    );
    res.json({ received: true, status: result.status });
  });

  const v1 = express.Router();
  v1.use(express.json({ limit: '100kb' }));
  v1.use('/admin', requireKey(deps.auth, 'admin'), adminRoutes(deps), adjustmentRoutes(deps));
  v1.use(requireKey(deps.auth, 'app'), customerRoutes(deps), checkoutRoutes(deps));
  app.use('/v1', v1);

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  app.use(errorHandler(deps.logger));
  return app;
}
