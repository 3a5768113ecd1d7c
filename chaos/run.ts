/**
 * `npm run chaos [-- --short] [--seed N] [--only name]`: the service under duplicate storms, kill -9,
 * racing debits, a frozen and killed database and fuzzed input, against the real server processes
 * (two instances on one SecantusDB) on 127.0.0.1. One line of figures per experiment, then
 * `N passed, M failed`; exit 0 only when every experiment passed. See README "Chaos suite".
 */
import { parseArgs } from 'node:util';
import type { Experiment, Outcome, RunContext } from './experiment';
import { passed } from './experiment';
import { duplicateStorm } from './experiments/duplicateStorm';
import { frozenDatabase } from './experiments/frozenDatabase';
import { fuzz } from './experiments/fuzz';
import { killLoop } from './experiments/killLoop';
import { racingDebits } from './experiments/racingDebits';
import { openLab } from './lab';
import { seededRandom } from './random';
import { FULL, SHORT } from './sizes';
import { seconds } from './stats';

/** The database experiment comes last: it kills the database the others share. */
const EXPERIMENTS: Experiment[] = [duplicateStorm, killLoop, racingDebits, fuzz, frozenDatabase];

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function runOne(experiment: Experiment, context: RunContext): Promise<{ ok: boolean; line: string; details: string[] }> {
  const startedAt = performance.now();
  let outcome: Outcome;
  try {
    outcome = await experiment.run(context);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    outcome = { figures: 'did not complete', criteria: [{ name: 'completes', held: false }], details: message.split('\n').slice(0, 12) };
  }
  const ok = passed(outcome);
  const failed = outcome.criteria.filter((c) => !c.held).map((c) => c.name);
  const line = `${ok ? 'PASS' : 'FAIL'}  ${experiment.name} [${seconds(performance.now() - startedAt)}]: ${outcome.figures}${ok ? '' : ` → not met: ${failed.join('; ')}`}`;
  return { ok, line, details: ok ? [] : outcome.details };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { short: { type: 'boolean', default: false }, seed: { type: 'string' }, only: { type: 'string', multiple: true } },
  });
  const sizes = values.short ? SHORT : FULL;
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const selected = values.only ? EXPERIMENTS.filter((e) => values.only?.some((name) => e.name.includes(name))) : EXPERIMENTS;
  const startedAt = performance.now();
  out(`chaos suite (${sizes.mode}, seed ${seed}): ${selected.length} experiments on 2 instances of src/server.ts and SecantusDB, 127.0.0.1 only`);
  const lab = await openLab();
  const context: RunContext = {
    lab,
    sizes,
    random: seededRandom(seed),
    now: new Date(),
    progress: (message) => process.stderr.write(`  … ${message}\n`),
  };
  let passedCount = 0;
  try {
    for (const experiment of selected) {
      context.progress(`${experiment.name}: starting`);
      const result = await runOne(experiment, context);
      out(result.line);
      for (const detail of result.details) out(`      ${detail}`);
      if (result.ok) passedCount += 1;
    }
  } finally {
    await lab.close();
  }
  out(`total ${seconds(performance.now() - startedAt)}, seed ${seed}`);
  out(`${passedCount} passed, ${selected.length - passedCount} failed`);
  return passedCount === selected.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos suite failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
