import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createCreditsClient } from '../../client/src';
import type { CreditsApiError, CreditsClient } from '../../client/src';
import { APP_KEY } from './harness';

export interface ServedApp {
  client: CreditsClient;
  url: string;
  close(): Promise<void>;
}

/** Serves the real app on a free local port and points the typed client (client/) at it, as an app's backend would. */
export async function serveWithClient(app: Express): Promise<ServedApp> {
  const server = createServer(app);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    client: createCreditsClient({ baseUrl: url, apiKey: APP_KEY }),
    url,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The API error a call threw (its `type`, e.g. `hold_expired`), or a failure when it did not throw one. */
export async function apiError(call: Promise<unknown>): Promise<CreditsApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && error.name === 'CreditsApiError') return error as CreditsApiError;
    throw error;
  }
  throw new Error('expected the call to fail');
}
