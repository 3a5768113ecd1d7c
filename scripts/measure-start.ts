/**
 * `node --import tsx scripts/measure-start.ts [runs]`: how long the server takes from process start to
 * "listening", and its resident memory then, started the two ways the README names: `npm start`
 * (`node --import tsx src/server.ts`) and `npm run start:prod` (`node dist/server.js`, after `npm run build`).
 * Both against the same scratch SecantusDB (MONGODB_URI set, so neither starts an embedded server); runs
 * alternate between the two. Prints the median and the range. Linux (reads /proc for the memory).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { freePort } from '../src/peers/freePort';
import { startSecantus } from '../src/peers/secantus';
import { ensurePeerTools } from '../src/peers/tools';
import { twoPlanCatalog } from '../test/fixtures/catalog';

const root = resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const ways = [
  { name: 'npm start (tsx src/server.ts)', args: ['--import', pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(root, 'src', 'server.ts')] },
  { name: 'npm run start:prod (node dist/server.js)', args: [join(root, 'dist', 'server.js')] },
];

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
}

async function once(args: string[], env: Record<string, string>): Promise<{ ms: number; rss: number; settled: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: env.CWD, env, stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout });
  const ms = await new Promise<number>((done, fail) => {
    lines.on('line', (line) => line.includes('"msg":"listening"') && done(performance.now() - started));
    child.once('exit', (code) => fail(new Error(`exited with ${code} before listening`)));
  });
  const rss = rssMiB(child.pid ?? 0);
  await sleep(2000);
  const settled = rssMiB(child.pid ?? 0);
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
  return { ms, rss, settled };
}

function summary(values: number[], unit: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${median.toFixed(0)} ${unit} (${(sorted[0] ?? 0).toFixed(0)}–${(sorted.at(-1) ?? 0).toFixed(0)})`;
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: run npm run build first');
  const { secantus } = await ensurePeerTools(root, ['secantus']);
  const mongo = await startSecantus({ storagePath: ':memory:', bin: secantus, replicaSet: true });
  // A scratch directory: no .env of this checkout is read.
  const cwd = mkdtempSync(join(tmpdir(), 'credits-start-'));
  writeFileSync(join(cwd, 'credits.config.json'), JSON.stringify(twoPlanCatalog));
  const results = ways.map(() => ({ ms: [] as number[], rss: [] as number[], settled: [] as number[] }));
  try {
    for (let run = 0; run < runs; run++) {
      for (const [i, way] of ways.entries()) {
        const [hosts, query] = mongo.uri.split('/?');
        const env = (port: number) => ({
          PATH: process.env.PATH ?? '',
          CWD: cwd,
          PORT: String(port),
          MONGODB_URI: `${hosts}/start_${run}_${i}?${query}`,
          STRIPE_WEBHOOK_SECRET: 'whsec_measure',
          LOG_LEVEL: 'info',
        });
        // A free port can be taken by another process before the server binds it: that run is tried again.
        let measured: Awaited<ReturnType<typeof once>> | null = null;
        for (let attempt = 1; measured === null; attempt++) {
          measured = await once(way.args, env(await freePort())).catch((error: unknown) => {
            if (attempt >= 5) throw error;
            return null;
          });
        }
        results[i]?.ms.push(measured.ms);
        results[i]?.rss.push(measured.rss);
        results[i]?.settled.push(measured.settled);
      }
    }
  } finally {
    await mongo.stop();
  }
  process.stdout.write(`start-up to "listening" and resident memory, ${runs} runs each (median, range)\n`);
  for (const [i, way] of ways.entries()) {
    const r = results[i];
    if (!r) continue;
    process.stdout.write(`  ${way.name.padEnd(42)} ${summary(r.ms, 'ms').padEnd(20)} RSS ${summary(r.rss, 'MiB')}, 2 s later ${summary(r.settled, 'MiB')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
