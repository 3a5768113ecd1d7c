import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { resolve } from 'node:path';
import { composeService } from './compose';
import { ConfigError, describeConfigError, loadConfig } from './config';
import { AdjustableClock, systemClock } from './domain/clock';
import { startScheduler } from './jobs/scheduler';
import { createLogger } from './logger';
import { databaseUnreachable, redactCredentials } from './redact';
import { copyFailureLogger, openStores } from './store/connection';

const projectRoot = resolve(__dirname, '..');
/**
 * Longer than any webhook or sweep should take, shorter than Kubernetes' default 30 s grace period.
 * Work cut off at the deadline is safe to lose: an event stays `received` until Stripe's retry, and
 * a sweep resumes from `nextDueAt` (see src/store/README.md).
 */
const SHUTDOWN_DEADLINE_MS = 20_000;

/** The composition root: config, database (indexes ensured), service, scheduler, listen, graceful shutdown. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { config, catalog } = loadConfig(process.env);
  const logger = createLogger(config.logLevel);

  let uri = config.mongodbUri;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!uri) {
    // Loaded only here: with MONGODB_URI set (production) the development peers are never imported.
    const { startEmbeddedMongo } = await import('./peers/embedded.js');
    const embedded = await startEmbeddedMongo({ projectRoot, log: (msg, fields) => logger.info(fields ?? {}, msg) });
    uri = embedded.uri;
    stopEmbedded = embedded.stop;
  }
  const stores = await openStores(uri, { onCopyFailed: copyFailureLogger(logger) }).catch((error: unknown) => {
    throw databaseUnreachable(uri, error);
  });
  logger.info('connected to MongoDB; indexes ensured');
  const testClock = config.testClock ? new AdjustableClock(systemClock) : null;
  if (testClock) logger.warn('TEST_CLOCK=1: the admin clock can move this service in time');
  const clock = testClock ?? systemClock;
  const service = composeService({ config, catalog, stores, clock, testClock, logger, processMetrics: true });
  const scheduler = startScheduler({ cron: config.grantCron, sweep: () => service.runDue(clock.now()), logger });
  service.signals?.start();
  if (service.signals) logger.info('delivering signals to APP_WEBHOOK_URL');

  let stopping = false;
  const serve = (app: RequestListener) => {
    const server = createServer((req, res) => {
      // Once stopping, every answer closes its connection, so a keep-alive client cannot hold shutdown open.
      if (stopping) res.setHeader('Connection', 'close');
      // An answer begun before the signal kept its connection alive: close that connection once it is idle.
      res.on('finish', () => stopping && setImmediate(() => server.closeIdleConnections()));
      app(req, res);
    });
    return server;
  };
  // Development listens on 127.0.0.1 only (its keys are .env.example's placeholders); production on HOST or every interface.
  const host = config.host ?? undefined;
  const publicServer = serve(service.app);
  // /metrics and /readyz on a port of their own (METRICS_PORT): the public port serves neither.
  const opsServer = service.opsApp && config.metricsPort !== null ? serve(service.opsApp) : null;
  const servers = opsServer ? [publicServer, opsServer] : [publicServer];

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: refusing new connections, finishing in-flight requests and the sweep');
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting with work unfinished');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // close() stops listening and closes idle keep-alive connections; it calls back when the last active one ends.
    const closed = servers.map((server) => new Promise<void>((done) => server.close(() => done())));
    await Promise.all([...closed, scheduler.stop(), service.signals?.stop()]);
    await stores.close();
    if (stopEmbedded) await stopEmbedded();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await listen(publicServer, config.port, host);
  if (opsServer && config.metricsPort !== null) await listen(opsServer, config.metricsPort, host);
  logger.info({ port: config.port, host: config.host ?? 'every interface', metricsPort: config.metricsPort ?? config.port }, 'listening');
}

/** Resolves once listening; a port in use or a HOST that is not this machine's fails start-up with the reason. */
function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/** Start-up errors and crashes can quote a connection string: printed without its password. */
function printFailure(prefix: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(redactCredentials(`${prefix}: ${text}\n`));
}

process.on('uncaughtException', (error) => {
  printFailure('Crashed', error);
  process.exit(1);
});

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(redactCredentials(`${describeConfigError(error)}\n`));
  else printFailure('Start-up failed', error);
  process.exit(1);
});
