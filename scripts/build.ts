/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and copies what the code reads at run time
 * beside it (the billing page's templates and assets), so `npm run start:prod` runs `node dist/server.js`
 * with no TypeScript loader. tsx runs this script only; nothing in dist/ needs it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const target = args.find((arg) => !arg.startsWith('--'));
/** dist/, or another directory inside the project (a test builds into .artifacts/ so node_modules resolves). */
const dist = target ? resolve(target) : join(root, 'dist');
/** `--no-check`: emit without type-checking again (a test, after the suite's own typecheck). */
const check = args.includes('--no-check') ? ['--noCheck'] : [];
/** Directories under src/ that hold files the code reads by path, copied as they are. */
const RUNTIME_FILES = ['http/billingPage/templates', 'http/billingPage/assets'];

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', dist, ...check], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const dir of RUNTIME_FILES) cpSync(join(root, 'src', dir), join(dist, dir), { recursive: true });
process.stdout.write(`built ${dist}\n`);
