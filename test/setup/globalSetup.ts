import { resolve } from 'node:path';
import { startSecantus } from '../../src/peers/secantus';
import { startStripeMock } from '../../src/peers/stripeMock';
import { ensurePeerTools, type PeerTool } from '../../src/peers/tools';

/** What globalTeardown has to undo; jest runs both in the same process, so globalThis carries it. */
export interface TestPeers {
  stops: Array<() => Promise<void>>;
}

declare global {
  var __testPeers: TestPeers | undefined;
}

/**
 * Brings up the peers the suite needs, unless MONGODB_URI / STRIPE_MOCK_URL already point at
 * running ones. Workers inherit process.env as set here.
 */
export default async function globalSetup(): Promise<void> {
  const peers: TestPeers = { stops: [] };
  globalThis.__testPeers = peers;
  const needed: PeerTool[] = [];
  if (!process.env.MONGODB_URI) needed.push('secantus');
  if (!process.env.STRIPE_MOCK_URL) needed.push('stripe-mock');
  if (needed.length === 0) return;

  const tools = await ensurePeerTools(resolve(__dirname, '..', '..'), needed);
  const started: string[] = [];
  const timed = async <T>(name: string, start: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await start();
    started.push(`${name} in ${Math.round(performance.now() - t0)} ms`);
    return result;
  };

  // Started side by side; whatever did come up is registered for teardown even if the other fails.
  const results = await Promise.allSettled([
    needed.includes('secantus') &&
      timed('secantusd', async () => {
        // A one-member replica set, as production runs (README "Development"): the driver then sends what it
        // sends to a replica set (sessions, retryable writes, majority concerns). The standalone mode has a
        // test of its own (test/integration/standalone.test.ts).
        const mongo = await startSecantus({ storagePath: ':memory:', bin: tools.secantus, replicaSet: true, testCommands: true });
        peers.stops.push(mongo.stop);
        process.env.MONGODB_URI = mongo.uri;
      }),
    needed.includes('stripe-mock') &&
      timed('stripe-mock', async () => {
        const stripe = await startStripeMock({ bin: tools.stripeMock });
        peers.stops.push(stripe.stop);
        process.env.STRIPE_MOCK_URL = stripe.url;
      }),
  ]);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    await stopTestPeers();
    throw failure.reason;
  }
  process.stderr.write(`\ntest peers started: ${started.join(', ')}\n`);
}

export async function stopTestPeers(): Promise<void> {
  const peers = globalThis.__testPeers;
  globalThis.__testPeers = undefined;
  for (const stop of peers?.stops ?? []) await stop();
}
