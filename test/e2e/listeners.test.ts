import type { ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/peers/freePort';
import { testMongoUri } from '../setup/peers';
import { PRODUCTION_ENV } from '../fixtures/productionEnv';
import { WEBHOOK_SECRET, testCatalog } from '../support/harness';
import { startIsolated } from '../support/isolatedProcess';

/** Issue 22 items 4 and 6: where `npm start` listens, in development and in production. */

interface Running {
  child: ChildProcess;
  listening: Record<string, unknown>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'credits-listen-'));
  const catalog = join(dir, 'credits.config.json');
  await writeFile(catalog, JSON.stringify(testCatalog));
  let heard: (line: Record<string, unknown>) => void = () => undefined;
  const listened = new Promise<Record<string, unknown>>((ready) => (heard = ready));
  const { child, finished } = startIsolated({
    entry: 'src/server.ts',
    env: { MONGODB_URI: testMongoUri(), CREDITS_CONFIG: catalog, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, LOG_LEVEL: 'info', ...env },
    onStdoutLine: (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry['msg'] === 'listening') heard(entry);
    },
  });
  const exitedFirst = finished.then(({ code, stderr }): never => {
    throw new Error(`server exited (${code}) before listening: ${stderr}`);
  });
  const listening = await Promise.race([listened, exitedFirst]);
  return {
    child,
    listening,
    stop: async () => {
      child.kill('SIGTERM');
      await finished;
    },
  };
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** An address of this machine other than loopback, when it has one. */
function lanAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return null;
}

describe('npm start in development', () => {
  it('when HOST is not set, then it listens on 127.0.0.1 only, with /metrics and /readyz on its one port', async () => {
    const port = await freePort();
    const server = await startServer({ PORT: String(port) });
    try {
      expect(server.listening).toMatchObject({ port, host: '127.0.0.1', metricsPort: port });
      expect(await status(`http://127.0.0.1:${port}/healthz`)).toBe(200);
      expect(await status(`http://localhost:${port}/metrics`)).toBe(200);
      expect(await status(`http://127.0.0.1:${port}/readyz`)).toBe(200);
      const lan = lanAddress();
      if (lan) expect(await reachable(lan, port)).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('when HOST=0.0.0.0, then it listens on every interface', async () => {
    const lan = lanAddress();
    const port = await freePort();
    const server = await startServer({ PORT: String(port), HOST: '0.0.0.0' });
    try {
      expect(server.listening).toMatchObject({ host: '0.0.0.0' });
      expect(await reachable(lan ?? '127.0.0.1', port)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('npm start in production', () => {
  it('when it runs, then the public port serves the API and the billing page but not /metrics or /readyz, which METRICS_PORT serves', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const server = await startServer({ ...PRODUCTION_ENV, MONGODB_URI: testMongoUri(), STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, PORT: String(port), METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' });
    try {
      expect(server.listening).toMatchObject({ port, metricsPort, host: '127.0.0.1' });
      const site = `http://127.0.0.1:${port}`;
      expect(await status(`${site}/healthz`)).toBe(200);
      expect(await status(`${site}/metrics`)).toBe(404);
      expect(await status(`${site}/readyz`)).toBe(404);
      expect(await status(`${site}/billing/${'x'.repeat(43)}`)).toBe(401);
      expect((await fetch(`${site}/v1/customers/cus_x/balance`, { headers: { Authorization: `Bearer ${PRODUCTION_ENV.API_KEYS}` } })).status).toBe(404);

      const ops = `http://127.0.0.1:${metricsPort}`;
      const metrics = await fetch(`${ops}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('nodejs_version_info');
      expect(await status(`${ops}/readyz`)).toBe(200);
      expect(await status(`${ops}/v1/customers/cus_x/balance`)).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
