/**
 * Walks an annual `pro` subscription through its year, month by month, against the real service:
 * a scratch SecantusDB, `src/server.ts` started with TEST_CLOCK=1, signed Stripe events and the HTTP API.
 * Prints each month's grant, spend, expiry and balance, and the month's top-up, refund or upgrade.
 * The story is scripts/walkthrough/story.ts; test/e2e/walkthrough.test.ts checks the output against it.
 *
 *   npm run walkthrough
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSecantus } from '../src/peers/secantus';
import { freePort } from '../src/peers/freePort';
import { ensurePeerTools } from '../src/peers/tools';
import { walkApi } from './walkthrough/api';
import { formatTable, walkTheYear } from './walkthrough/walk';

const root = resolve(__dirname, '..');
const SECRET = 'whsec_walkthrough';
const APP_KEY = 'walkthrough_app_key';
const ADMIN_KEY = 'walkthrough_admin_key';

async function waitForHealthy(base: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become healthy in 20 s');
}

async function walk(base: string): Promise<void> {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  const { intro, rows, outro } = await walkTheYear(walkApi({ base, appKey: APP_KEY, adminKey: ADMIN_KEY, webhookSecret: SECRET }));
  out(intro);
  out();
  for (const line of formatTable(rows)) out(line);
  out();
  for (const line of outro) out(line);
}

async function main(): Promise<void> {
  const tools = await ensurePeerTools(root, ['secantus']);
  const mongo = await startSecantus({ storagePath: ':memory:', bin: tools.secantus });
  const port = await freePort();
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const server = spawn(process.execPath, ['--import', tsx, join(root, 'src', 'server.ts')], {
    // Not the project directory: the server reads a .env from where it runs, and the developer's is not this walk's.
    cwd: mkdtempSync(join(tmpdir(), 'credits-walkthrough-')),
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      MONGODB_URI: `${mongo.uri}/walkthrough`,
      STRIPE_WEBHOOK_SECRET: SECRET,
      API_KEYS: APP_KEY,
      ADMIN_API_KEYS: ADMIN_KEY,
      CREDITS_CONFIG: join(root, 'credits.config.json'),
      TEST_CLOCK: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthy(base, server);
    await walk(base);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`walkthrough failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
