import express from 'express';
import type { Express } from 'express';
import type { AccountService } from '../app/accounts';
import type { IngestDeps } from '../app/ingestEvent';
import type { AccountStore, BillingGateway, BillingSessionStore, Metrics, Ping, PriceReader, VerifyWebhook } from '../app/ports';
import type { RunDueResult } from '../app/runDue';
import type { BillingPageSettings, ReturnUrlPolicy } from '../config/env';
import type { TrustProxy } from '../config/network';
import type { Catalog } from '../domain/catalog';
import type { AdjustableClock, Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { AuthKeys } from './auth';
import { requireKey } from './auth';
import { ANSWER_WITHIN_MS, answerWithin, unavailableJson, unavailableWebhook } from './deadline';
import { errorHandler, sendError } from './errors';
import { billingPageRoutes } from './billingPage/routes';
import type { RateLimit } from './billingPage/rateLimit';
import { livenessRoute, readinessAndMetricsRoutes } from './ops';
import { requestLogging } from './requestLog';
import { adminRoutes } from './routes/admin';
import { adjustmentRoutes } from './routes/adjustments';
import { billingSessionRoutes } from './routes/billingSessions';
import { checkoutRoutes } from './routes/checkout';
import { customerRoutes } from './routes/customers';
import { webhookRoutes } from './routes/webhook';

export interface AppDeps {
  clock: Clock;
  testClock: AdjustableClock | null;
  accounts: AccountService;
  accountStore: AccountStore;
  health: Ping;
  verifyWebhook: VerifyWebhook;
  ingest: IngestDeps;
  runDue: (asOf: Date) => Promise<RunDueResult>;
  auth: AuthKeys;
  logger: Logger;
  catalog: Catalog;
  billing: BillingGateway;
  metrics: Metrics;
  /** The Prometheus text of this service's own registry. */
  scrapeMetrics: () => Promise<{ contentType: string; body: string }>;
  /** The customer's billing page (SPEC §8). */
  billingSessions: BillingSessionStore;
  prices: PriceReader;
  stripeConfigured: boolean;
  publicUrl: string;
  billingPage: BillingPageSettings;
  pageRateLimit?: RateLimit;
  lookupFailureLimit?: RateLimit;
  /** False when /metrics and /readyz have a listener of their own (METRICS_PORT, src/http/ops.ts). */
  serveOpsRoutes: boolean;
  returnUrls: ReturnUrlPolicy;
  trustProxy: TrustProxy;
}

/** Builds the Express app without listening, so tests drive the real app through supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: answers are read fresh and never answered 304, and without it Express keeps a small JSON body a
  // string that goes out in one write with the headers (hashing and a buffer cost a balance read ~20% of its CPU).
  app.disable('etag');
  // Who the client is (the billing page's per-client limit) behind the proxies TRUST_PROXY names.
  app.set('trust proxy', deps.trustProxy);
  app.use(requestLogging(deps.logger));

  // The JSON API first: the busiest routes match without passing the probes, the webhook and the billing pages.
  const v1 = express.Router();
  // The key first: a caller without one gets 401 before a byte of its body is read or parsed.
  const json = express.json({ limit: '100kb' });
  const deadline = answerWithin(ANSWER_WITHIN_MS, unavailableJson);
  v1.use('/admin', requireKey(deps.auth, 'admin'), json, adminRoutes(deps), deadline, adjustmentRoutes(deps));
  v1.use(requireKey(deps.auth, 'app'), json, deadline, customerRoutes(deps), checkoutRoutes(deps), billingSessionRoutes(deps));
  app.use('/v1', v1);

  app.use(livenessRoute());
  if (deps.serveOpsRoutes) app.use(readinessAndMetricsRoutes(deps));

  // No request waits on a silent database for more than 5 s (src/http/deadline.ts); the admin sweep may take long.
  app.use('/webhooks', answerWithin(ANSWER_WITHIN_MS, unavailableWebhook));
  app.use(webhookRoutes(deps));
  // The browser's pages: a link's token is their credential, no API key (see src/http/billingPage).
  app.use(billingPageRoutes(deps));

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  app.use(errorHandler(deps.logger));
  return app;
}
