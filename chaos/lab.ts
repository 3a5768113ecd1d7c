/**
 * What every experiment runs on: one SecantusDB for the whole run (each experiment in a database of its
 * own), two instances of the real server on it, stripe-mock when a route needs Stripe, and the admin CLI.
 * All of it listens on 127.0.0.1 only and is stopped when the run ends.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/peers/freePort';
import type { RunningStripeMock } from '../src/peers/stripeMock';
import { startStripeMock } from '../src/peers/stripeMock';
import { ensurePeerTools } from '../src/peers/tools';
import { CHAOS_CATALOG } from './catalog';
import { ChaosDatabase } from './database';
import { field } from './http';
import type { Answer } from './http';
import { ServerProcess, projectRoot, tsxLoader } from './serverProcess';

export const WEBHOOK_SECRET = 'whsec_chaos_suite_secret';
export const APP_KEY = 'chaos_app_key_0001';
export const ADMIN_KEY = 'chaos_admin_key_0001';
/** stripe-mock accepts only `sk_test_` followed by letters and digits. */
const STRIPE_KEY = 'sk_test_chaossuite';

export interface Lab {
  db: ChaosDatabase;
  /** A scratch directory without `.env`: the working directory of every child process. */
  scratch: string;
  catalogPath: string;
  stripeMock(): Promise<string>;
  close(): Promise<void>;
}

export async function openLab(): Promise<Lab> {
  const tools = await ensurePeerTools(projectRoot, ['secantus', 'stripe-mock']);
  const scratch = await mkdtemp(join(tmpdir(), 'credits-chaos-'));
  const catalogPath = join(scratch, 'credits.config.json');
  await writeFile(catalogPath, JSON.stringify(CHAOS_CATALOG));
  const db = await ChaosDatabase.start({ storagePath: join(scratch, 'secantus'), bin: tools.secantus });
  let mock: RunningStripeMock | null = null;
  return {
    db,
    scratch,
    catalogPath,
    stripeMock: async () => {
      mock ??= await startStripeMock({ bin: tools.stripeMock });
      return mock.url;
    },
    close: async () => {
      await Promise.all([db.stop(), mock?.stop()]);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface InstancesInput {
  /** The experiment's database name. */
  database: string;
  stripe?: boolean;
  /** Extra environment per instance, e.g. TEST_CLOCK=1 on one of them. */
  extraEnv?: [Record<string, string>, Record<string, string>];
}

/** The environment of a service instance or the admin CLI: only what is set here, never the caller's. */
async function serviceEnv(lab: Lab, input: InstancesInput): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    MONGODB_URI: lab.db.uri(input.database),
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    API_KEYS: APP_KEY,
    ADMIN_API_KEYS: ADMIN_KEY,
    CREDITS_CONFIG: lab.catalogPath,
    LOG_LEVEL: 'error',
  };
  if (input.stripe) {
    env.STRIPE_SECRET_KEY = STRIPE_KEY;
    env.STRIPE_API_URL = await lab.stripeMock();
  }
  return env;
}

/** Two instances of `src/server.ts` on one database, started together. */
export async function startInstances(lab: Lab, input: InstancesInput): Promise<Instances> {
  const env = await serviceEnv(lab, input);
  const [portA, portB] = [await freePort(), await freePort()];
  const servers: [ServerProcess, ServerProcess] = [
    new ServerProcess({ name: 'A', port: portA, cwd: lab.scratch, env: { ...env, ...input.extraEnv?.[0] } }),
    new ServerProcess({ name: 'B', port: portB, cwd: lab.scratch, env: { ...env, ...input.extraEnv?.[1] } }),
  ];
  await Promise.all(servers.map((s) => s.start()));
  return servers;
}

export type Instances = readonly [ServerProcess, ServerProcess];

/** The instance a load balancer in round-robin would pick for request number n. */
export function instance(servers: Instances, n: number): ServerProcess {
  return n % 2 === 0 ? servers[0] : servers[1];
}

/**
 * Restarts an instance that died (and counts it), so one poison request does not blind the rest of a
 * run: after a request gets no answer, every caller waits while the dead instance is started again.
 */
export class Reviver {
  deaths = 0;
  readonly lastWords: string[] = [];
  private reviving: Promise<void> = Promise.resolve();

  constructor(private readonly servers: Instances) {}

  /** Resolves once no restart is under way. */
  ready(): Promise<void> {
    return this.reviving;
  }

  /** Called after each answer; a missing answer may mean the instance died (it can take a moment to exit). */
  async afterAnswer(server: ServerProcess, answer: Answer): Promise<void> {
    if (answer.status !== 0 || !(await server.exitedWithin(3000))) return;
    this.reviving = this.reviving.then(() => this.restartDead());
    await this.reviving;
  }

  private async restartDead(): Promise<void> {
    for (const server of this.servers) {
      if (server.alive) continue;
      this.deaths += 1;
      this.lastWords.push(`${server.name} died: ${server.lastWords.slice(0, 300)}`);
      await server.start();
    }
  }
}

export async function stopInstances(servers: Instances): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}

export interface LedgerCheck {
  clean: boolean;
  accounts: number;
  breaches: number;
  /** The CLI's own words when it could not run or its output was not the documented JSON. */
  problem?: string;
}

/** `npm run admin -- check-ledger --json` on the experiment's database. */
export async function checkLedger(lab: Lab, database: string): Promise<LedgerCheck> {
  const env = await serviceEnv(lab, { database });
  const { code, stdout, stderr } = await runAdmin(lab, env, ['check-ledger', '--json']);
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { clean: false, accounts: 0, breaches: 0, problem: `exit ${code}: ${stderr.trim().slice(-500)}` };
  }
  const breaches = field(report, 'breaches');
  const accounts = field(report, 'accounts');
  const count = Array.isArray(breaches) ? breaches.length : 0;
  return { clean: code === 0 && count === 0, accounts: typeof accounts === 'number' ? accounts : 0, breaches: count };
}

function runAdmin(lab: Lab, env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, join(projectRoot, 'src', 'cli', 'admin.ts'), ...args], {
      cwd: lab.scratch,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
