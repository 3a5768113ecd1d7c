import request from 'supertest';
import type { Express } from 'express';
import type { mongo } from 'mongoose';
import { composeService } from '../../src/compose';
import type { Service, SignalDeliveryOptions } from '../../src/compose';
import { parseEnv } from '../../src/config';
import type { Catalog } from '../../src/domain/catalog';
import { AdjustableClock } from '../../src/domain/clock';
import type { Clock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import type { Logger } from '../../src/logger';
import { copyFailureLogger, openStores } from '../../src/store/connection';
import type { Stores } from '../../src/store/connection';
import type { WrapCollection } from '../../src/store/models';
import { stripeMockUrl, testMongoUri } from '../setup/peers';
import { watchShardKeys } from './shardKeyContract';
import { twoPlanCatalog } from '../fixtures/catalog';

export const WEBHOOK_SECRET = 'whsec_test_primary_secret';
export const OLD_WEBHOOK_SECRET = 'whsec_test_rotated_out_secret';
export const APP_KEY = 'app_key_for_tests_0001';
export const ADMIN_KEY = 'admin_key_for_tests_0001';
export const APP_ORIGIN = 'https://app.example';

export const testCatalog: Catalog = twoPlanCatalog;

export interface Harness {
  app: Express;
  service: Service;
  stores: Stores;
  clock: AdjustableClock;
  uri: string;
  close(): Promise<void>;
}

/** A real service on its own database of the test MongoDB-compatible server, with a settable clock. */
export async function startHarness(
  options: {
    catalog?: Catalog;
    env?: Record<string, string>;
    uri?: string;
    clock?: Clock;
    /** Wraps the real stores, e.g. to make a use case see a store that fails. */
    wrapStores?: (stores: Stores) => Stores;
    /** Stands between the store and the driver's collections (test/support/collectionHooks.ts). */
    wrapCollection?: WrapCollection;
    /** Turns on the driver's command monitoring (round-trip counts: test/support/commandCounter.ts). */
    monitorCommands?: boolean;
    /** Watches every command the service sends, from its first (test/support/shardKeyContract.ts). */
    watchCommands?: (client: mongo.MongoClient) => void;
    /** Where the service logs (e.g. test/support/logCapture.ts); silent by default. */
    logger?: Logger;
    /** With APP_WEBHOOK_URL in `env`: the dispatcher's clock and pauses (it is not started; tests drive or start it). */
    signalDelivery?: SignalDeliveryOptions;
  } = {},
): Promise<Harness> {
  const uri = options.uri ?? testMongoUri();
  const config = parseEnv({
    STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${OLD_WEBHOOK_SECRET}`,
    STRIPE_SECRET_KEY: 'sk_test_harness',
    STRIPE_API_URL: stripeMockUrl(),
    API_KEYS: APP_KEY,
    ADMIN_API_KEYS: ADMIN_KEY,
    MONGODB_URI: uri,
    TEST_CLOCK: '1',
    LOG_LEVEL: 'silent',
    // The app of the tests' return URLs (returnUrl, successUrl, cancelUrl).
    ALLOWED_RETURN_ORIGINS: APP_ORIGIN,
    ...options.env,
  });
  const opened = await openStores(uri, {
    ...(options.wrapCollection ? { wrapCollection: options.wrapCollection } : {}),
    monitorCommands: options.monitorCommands ?? false,
    // Every command the service sends is held to the shard-key contract (test/setup/shardKeyContract.ts).
    watchCommands: (client) => {
      watchShardKeys(client);
      options.watchCommands?.(client);
    },
    onCopyFailed: copyFailureLogger(options.logger ?? createLogger('silent')),
  });
  const stores = options.wrapStores ? options.wrapStores(opened) : opened;
  // Frozen unless a test passes a flowing base: `clock.set(t)` then means "it is exactly t", so a test
  // can stand on the last millisecond of a slot without time slipping past it.
  const startedAt = new Date();
  const clock = new AdjustableClock(options.clock ?? { now: () => startedAt });
  const service = composeService({
    config,
    catalog: options.catalog ?? testCatalog,
    stores,
    clock,
    testClock: config.testClock ? clock : null,
    logger: options.logger ?? createLogger(config.logLevel),
    ...(options.signalDelivery ? { signalDelivery: options.signalDelivery } : {}),
  });
  const close = async (): Promise<void> => {
    await service.signals?.stop();
    await stores.close();
  };
  return { app: service.app, service, stores, clock, uri, close };
}

export const asApp = { Authorization: `Bearer ${APP_KEY}` };
export const asAdmin = { Authorization: `Bearer ${ADMIN_KEY}` };

export async function balanceOf(app: Express, customer: string): Promise<number> {
  const res = await request(app).get(`/v1/customers/${customer}/balance`).set(asApp).expect(200);
  return res.body.balance;
}
