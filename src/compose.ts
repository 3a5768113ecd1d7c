import type Stripe from 'stripe';
import type { Express } from 'express';
import { AccountService } from './app/accounts';
import type { IngestDeps } from './app/ingestEvent';
import { unconfiguredBillingGateway } from './app/billing';
import { noPrices } from './app/billingPage';
import type { BillingGateway } from './app/ports';
import { runDue } from './app/runDue';
import { SignalDispatcher } from './app/signalDispatcher';
import type { DispatcherOptions } from './app/signalDispatcher';
import type { RunDueResult } from './app/runDue';
import type { AppConfig } from './config';
import type { Catalog } from './domain/catalog';
import { systemClock } from './domain/clock';
import type { AdjustableClock, Clock } from './domain/clock';
import { lowBalanceRule } from './domain/lowBalance';
import { signalsOff } from './domain/signals';
import type { SignalPolicy } from './domain/signals';
import { createApp } from './http/app';
import { createOpsApp } from './http/ops';
import type { Logger } from './logger';
import { PrometheusMetrics } from './ops/prometheus';
import type { Stores } from './store/connection';
import { stripeBillingGateway } from './stripe/billingGateway';
import { createStripeClient, createWebhookOnlyClient } from './stripe/client';
import { stripePriceReader } from './stripe/prices';
import { stripeEventMapper } from './stripe/mapEvent';
import { httpSignalSender } from './signals/sender';
import type { MapContext } from './stripe/mapEvent';
import { stripeMapLookups } from './stripe/lookups';
import { stripeWebhookVerifier } from './stripe/verify';

export interface Service {
  app: Express;
  /** /healthz, /readyz and /metrics for a listener on METRICS_PORT; null when they are served by `app`. */
  opsApp: Express | null;
  accounts: AccountService;
  runDue: (asOf: Date) => Promise<RunDueResult>;
  stripe: Stripe;
  mapContext: MapContext;
  /** The ingest use case's dependencies (stores and the Stripe mapper): webhooks, replay and reconcile share them. */
  ingest: IngestDeps;
  billing: BillingGateway;
  /** This service's own metrics registry (never prom-client's global one). */
  metrics: PrometheusMetrics;
  /** Delivers signals to APP_WEBHOOK_URL; null when none is set. The server starts it; tests drive it. */
  signals: SignalDispatcher | null;
}

/** How signals are delivered; tests shorten the pauses and bring their own clock. */
export type SignalDeliveryOptions = Partial<Pick<DispatcherOptions, 'clock' | 'retry' | 'pollMs' | 'leaseMs' | 'random'>> & { timeoutMs?: number };

/** Wires the use cases to their stores and transports; shared by server.ts, the CLI and tests. */
export function composeService(input: {
  config: AppConfig;
  catalog: Catalog;
  stores: Stores;
  clock: Clock;
  testClock: AdjustableClock | null;
  logger: Logger;
  /** Adds Node's process metrics (CPU, memory, event loop) to /metrics: the server does, tests need not. */
  processMetrics?: boolean;
  signalDelivery?: SignalDeliveryOptions;
}): Service {
  const { config, stores, clock } = input;
  const metrics = new PrometheusMetrics({ clock, processMetrics: input.processMetrics ?? false });
  const signalPolicy: SignalPolicy = config.appWebhook ? { enabled: true, lowBalance: lowBalanceRule(input.catalog) } : signalsOff;
  const signals = composeDispatcher(input, metrics);
  const accounts = new AccountService(stores.accounts, metrics, signalPolicy);
  const stripe = config.stripeSecretKey
    ? createStripeClient({ secretKey: config.stripeSecretKey, apiUrl: config.stripeApiUrl })
    : createWebhookOnlyClient();
  const billing = config.stripeSecretKey ? stripeBillingGateway(stripe) : unconfiguredBillingGateway;
  const lookups = stripeMapLookups({
    stripe: config.stripeSecretKey ? stripe : null,
    findByPaymentIntent: (paymentIntent) => stores.accounts.findByPaymentIntent(paymentIntent),
  });
  const mapContext: MapContext = { catalog: input.catalog, livemode: config.stripeLivemode, lookups };
  const sweep = (asOf: Date): Promise<RunDueResult> =>
    runDue(
      {
        store: stores.accounts,
        metrics,
        signals: signalPolicy,
        onAccountFailed: ({ customer, error }) => input.logger.error({ customer, err: error }, 'sweep could not bring an account up to date; it stays due'),
      },
      asOf,
    );
  const ingest: IngestDeps = { events: stores.events, accounts, mapper: stripeEventMapper(mapContext), metrics };
  const scrapeMetrics = () => metrics.scrape();
  const verifyWebhook = stripeWebhookVerifier({ stripe, secrets: config.webhookSecrets, toleranceSeconds: config.webhookToleranceSeconds });
  const app = createApp({
    clock,
    testClock: input.testClock,
    accounts,
    accountStore: stores.accounts,
    health: stores.health,
    verifyWebhook,
    ingest,
    runDue: sweep,
    auth: { apiKeys: config.apiKeys, adminApiKeys: config.adminApiKeys },
    logger: input.logger,
    catalog: input.catalog,
    billing,
    metrics,
    scrapeMetrics,
    serveOpsRoutes: config.metricsPort === null,
    returnUrls: config.returnUrls,
    trustProxy: config.trustProxy,
    billingSessions: stores.billingSessions,
    prices: config.stripeSecretKey ? stripePriceReader(stripe, { logger: input.logger }) : noPrices,
    stripeConfigured: config.stripeSecretKey !== undefined,
    publicUrl: config.publicUrl,
    billingPage: config.billingPage,
  });
  const opsApp = config.metricsPort === null ? null : createOpsApp({ health: stores.health, scrapeMetrics, logger: input.logger });
  return { app, opsApp, accounts, runDue: sweep, stripe, mapContext, ingest, billing, metrics, signals };
}

/** A write that recorded signals wakes the dispatcher of its own process; the others find them by polling. */
function composeDispatcher(input: { config: AppConfig; stores: Stores; logger: Logger; signalDelivery?: SignalDeliveryOptions }, metrics: PrometheusMetrics): SignalDispatcher | null {
  const target = input.config.appWebhook;
  if (!target) return null;
  const { timeoutMs = 10_000, ...delivery } = input.signalDelivery ?? {};
  const dispatcher = new SignalDispatcher({
    queue: input.stores.signals,
    sender: httpSignalSender({ url: target.url, secrets: target.secrets, timeoutMs }),
    clock: systemClock,
    metrics,
    onError: (error) => input.logger.error({ err: error }, 'signal delivery round failed; the next round retries'),
    ...delivery,
  });
  input.stores.accounts.onSignalsRecorded(() => dispatcher.wake());
  return dispatcher;
}
