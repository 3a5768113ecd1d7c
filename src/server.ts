import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { composeService } from './compose';
import { ConfigError, loadConfig } from './config';
import { AdjustableClock, systemClock } from './domain/clock';
import { startScheduler } from './jobs/scheduler';
import { createLogger } from './logger';
import { startEmbeddedMongo } from './peers/embedded';
import { openStores } from './store/connection';

const projectRoot = resolve(__dirname, '..');

/** The composition root: config, database, service, scheduler, listen, graceful shutdown. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { config, catalog } = loadConfig(process.env);
  const logger = createLogger(config.logLevel);

  let uri = config.mongodbUri;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!uri) {
    const embedded = await startEmbeddedMongo({ projectRoot, log: (msg, fields) => logger.info(fields ?? {}, msg) });
    uri = embedded.uri;
    stopEmbedded = embedded.stop;
  }
  const stores = await openStores(uri);
  const testClock = config.testClock ? new AdjustableClock(systemClock) : null;
  if (testClock) logger.warn('TEST_CLOCK=1: the admin clock can move this service in time');
  const clock = testClock ?? systemClock;
  const service = composeService({ config, catalog, stores, clock, testClock, logger });
  const scheduler = startScheduler({ cron: config.grantCron, sweep: () => service.runDue(clock.now()), logger });
  const server: Server = service.app.listen(config.port, () => logger.info({ port: config.port }, 'listening'));

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests and the sweep');
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    await closed;
    await scheduler.stop();
    await stores.close();
    if (stopEmbedded) await stopEmbedded();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
