import pino from 'pino';
import { composeService } from '../compose';
import { loadConfig } from '../config';
import type { Clock } from '../domain/clock';
import { createLogger } from '../logger';
import { databaseUnreachable } from '../redact';
import { copyFailureLogger, openStores } from '../store/connection';
import type { AdminContext } from './command';

export interface OpenedContext {
  context: AdminContext;
  close(): Promise<void>;
}

/**
 * What the admin commands run on: the same config, stores and composed service as `npm start`, with
 * real time and no scheduler. Without MONGODB_URI it uses the embedded server a running `npm start`
 * announced, or starts one on ./.data for the length of the command.
 */
export async function openAdminContext(input: {
  env: Record<string, string | undefined>;
  projectRoot: string;
  clock: Clock;
}): Promise<OpenedContext> {
  const { config, catalog } = loadConfig(input.env);
  const logger = createLogger(config.logLevel, pino.destination(2));
  let uri = config.mongodbUri;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!uri) {
    // The development peers are loaded only without MONGODB_URI (as in src/server.ts).
    const { runningEmbeddedUri, startEmbeddedMongo } = await import('../peers/embedded.js');
    uri = (await runningEmbeddedUri(input.projectRoot)) ?? undefined;
    if (!uri) {
      const embedded = await startEmbeddedMongo({ projectRoot: input.projectRoot, log: (msg, fields) => logger.info(fields ?? {}, msg) });
      uri = embedded.uri;
      stopEmbedded = embedded.stop;
    }
  }
  const opened = uri;
  const stores = await openStores(opened, { onCopyFailed: copyFailureLogger(logger) }).catch((error: unknown) => {
    throw databaseUnreachable(opened, error);
  });
  const service = composeService({ config, catalog, stores, clock: input.clock, testClock: null, logger });
  return {
    context: { config, catalog, stores, service, clock: input.clock },
    close: async () => {
      await stores.close();
      if (stopEmbedded) await stopEmbedded();
    },
  };
}
