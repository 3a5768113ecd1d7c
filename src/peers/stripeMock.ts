import { freePort } from './freePort';
import { spawnPeer } from './spawnPeer';
import { defaultProjectRoot, peerToolPaths } from './tools';

export interface StripeMockOptions {
  port?: number;
  /** Path of the stripe-mock binary; defaults to this project's .tools/bin/stripe-mock. */
  bin?: string;
}

export interface RunningStripeMock {
  url: string;
  stop(): Promise<void>;
}

/** Runs stripe-mock, which answers the Stripe API from its bundled OpenAPI spec and fixtures. */
export async function startStripeMock(options: StripeMockOptions = {}): Promise<RunningStripeMock> {
  const port = options.port ?? (await freePort());
  const peer = await spawnPeer({
    name: 'stripe-mock',
    command: options.bin ?? peerToolPaths(defaultProjectRoot).stripeMock,
    args: [
      '-http-addr',
      `127.0.0.1:${port}`,
      // -http-addr alone still opens HTTPS on the fixed port 12112 (only -http/-http-port turn it
      // off); let the OS pick a loopback port for it instead so parallel instances never clash.
      '-https-addr',
      '127.0.0.1:',
    ],
    port,
    // The first start parses a large OpenAPI spec, which is slow on a busy CI machine.
    timeoutMs: 60_000,
  });
  return { url: `http://127.0.0.1:${port}`, stop: peer.stop };
}
