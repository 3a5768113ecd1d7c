/**
 * Database frozen and killed mid-load: under a steady load of debits, Stripe events and balance reads,
 * SecantusDB is paused (SIGSTOP) for ~10 s and resumed (SIGCONT), then killed (SIGKILL) and, after a few
 * seconds down, started again on the same port and storage (the kill lands amid a burst of debits, right
 * after half of them were acknowledged). While it does not answer, every request must
 * still be answered within 5 s (503, or 500 for webhooks so Stripe retries) and `/readyz` must say 503
 * within 2 s; service must resume by itself; after Stripe-like retries every effect is applied once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { grant, readAccounts } from '../api';
import { debitVerdictClean, judgeDebits } from '../debitJudge';
import type { Experiment, Outcome, RunContext } from '../experiment';
import { expectedAccounts } from '../expected';
import { judgeAccounts, verdictClean } from '../judge';
import { checkLedger, startInstances, stopInstances } from '../lab';
import { MixedLoad, ReadinessProbe, untilServing } from '../load';
import type { Window } from '../outage';
import { answersDuring, readinessWhileDown } from '../outage';
import { count, inParallel, seconds, statusTally } from '../stats';
import { tellStories } from '../stories';
import { describeVerdict, deliveryFigures } from './figures';

const DATABASE = 'chaos_freeze';
const REQUEST_LIMIT_MS = 5_000;
const READY_LIMIT_MS = 2_000;
/** A readiness probe sent in the outage's first instant may have pinged before it began. */
const READY_GRACE_MS = 100;
const RESUME_LIMIT_MS = 30_000;
const LOAD_ACCOUNTS = 20;
const LOAD_GRANT = 1_000_000;
/** Debits sent at once just before the database is killed. */
const KILL_BURST = 40;

const resumed = (ms: number | null): string => (ms === null ? `not within ${seconds(RESUME_LIMIT_MS)}` : seconds(ms));

export const frozenDatabase: Experiment = {
  name: 'database frozen and killed mid-load',
  async run(context: RunContext): Promise<Outcome> {
    const { sizes, random, lab } = context;
    const { db } = lab;
    const servers = await startInstances(lab, { database: DATABASE });
    try {
      // Set-up: accounts to spend from (never short of credits), and events to stream.
      const accounts = Array.from({ length: LOAD_ACCOUNTS }, (_, i) => `cus_freezeload${i}`);
      await inParallel(accounts, 8, (customer) => grant(servers[0], customer, LOAD_GRANT));
      const stories = tellStories({ events: 400, prefix: 'freeze', now: context.now, random });
      const load = new MixedLoad({ servers, accounts, events: stories.events, inFlight: sizes.freeze.inFlight, random });
      const readiness = new ReadinessProbe(servers);
      const probe = accounts[0] ?? 'cus_freezeload0';

      // Act: baseline, freeze, thaw, recover; kill, down, restart, recover.
      load.start();
      readiness.start();
      await sleep(2_000);
      const frozenAt = performance.now();
      db.freeze();
      context.progress(`database frozen for ${seconds(sizes.freeze.freezeMs)}`);
      await sleep(sizes.freeze.freezeMs);
      db.thaw();
      const thawedAt = performance.now();
      const afterThaw = await untilServing({ servers, customer: probe, since: thawedAt, limitMs: RESUME_LIMIT_MS });
      await sleep(2_000);
      // The kill lands amid a burst of writes, half of them just acknowledged: what they wrote must survive it.
      await load.burst(KILL_BURST, KILL_BURST / 2);
      const killedAt = performance.now();
      await db.kill();
      context.progress(`database killed; down for ${seconds(sizes.freeze.downMs)}`);
      await sleep(sizes.freeze.downMs);
      const restartAt = performance.now();
      await db.restart();
      const restartedAt = performance.now();
      const afterRestart = await untilServing({ servers, customer: probe, since: restartedAt, limitMs: RESUME_LIMIT_MS });
      await sleep(2_000);
      await Promise.all([load.stop(), readiness.stop()]);
      const drained = await load.drain();

      // Judge: answers while down, readiness, resumption, then the ledgers after every retry.
      const windows: Window[] = [
        { name: 'frozen', from: frozenAt, to: thawedAt },
        { name: 'killed', from: killedAt, to: restartedAt },
      ];
      const down = answersDuring(load.requests, windows, REQUEST_LIMIT_MS);
      const byKind = ['debit', 'webhook', 'balance'].map((kind) => {
        const answers = answersDuring(load.requests.filter((r) => r.kind === kind), windows, REQUEST_LIMIT_MS);
        return `${kind} ${statusTally(answers.statuses) || 'none'} max ${seconds(answers.maxMs)}`;
      });
      const ready = readinessWhileDown(readiness.probes, windows, { limitMs: READY_LIMIT_MS, graceMs: READY_GRACE_MS });
      const expected = expectedAccounts(load.sentEvents);
      const verdict = judgeAccounts(expected, await readAccounts(servers[0], [...expected.keys()]));
      const debits = judgeDebits({
        initial: new Map(accounts.map((c) => [c, LOAD_GRANT])),
        answers: drained.debits,
        finals: await readAccounts(servers[1], accounts),
      });
      const ledger = await checkLedger(lab, DATABASE);
      const deliveries = deliveryFigures(drained.deliveries);
      const died = servers.reduce((n, s) => n + s.unexpectedExits, 0);
      return {
        figures:
          `${count(load.requests.length)} requests; frozen ${seconds(thawedAt - frozenAt)}, killed and down ${seconds(restartAt - killedAt)} + restart ${seconds(restartedAt - restartAt)}: ` +
          `${count(down.requests)} requests waiting while down answered in max ${seconds(down.maxMs)}, p99 ${seconds(down.p99Ms)}, ${down.overLimit} over 5 s (${byKind.join('; ')}); ` +
          `/readyz while down: ${ready.probes} probes, max ${seconds(ready.maxMs)}, ${ready.wrong} not 503 within 2 s; ` +
          `service resumed ${resumed(afterThaw)} after thaw, ${resumed(afterRestart)} after restart; ` +
          `after retrying ${drained.retriedEvents} events and ${drained.retriedDebits} debits: ${describeVerdict(verdict)}, ` +
          `debits consumed ${count(debits.consumed)} = acknowledged ${count(debits.acknowledged)}? ${debits.consumptionMismatches === 0 ? 'yes' : 'no'} ` +
          `(acknowledged but not in the ledger ${debits.lostDebits}, in the ledger but never acknowledged ${debits.unacknowledgedDebits}); ` +
          `check-ledger ${ledger.clean ? 'clean' : `${ledger.breaches} breaches`}${died > 0 ? `; ${died} instance deaths` : ''}`,
        criteria: [
          { name: 'no request waits more than 5 s', held: down.overLimit === 0 },
          { name: '/readyz 503 within 2 s while down', held: ready.wrong === 0 && ready.probes > 0 },
          { name: 'service resumes by itself', held: afterThaw !== null && afterRestart !== null },
          { name: 'final ledgers exact', held: verdictClean(verdict) && debitVerdictClean(debits) && deliveries.neverAccepted === 0 },
          { name: 'check-ledger clean', held: ledger.clean },
          { name: 'no instance died', held: died === 0 },
        ],
        details: [...verdict.examples, ...debits.examples, ...(ledger.problem ? [`check-ledger: ${ledger.problem}`] : [])],
      };
    } finally {
      db.thaw(); // harmless when running; a paused database would hold the instances' shutdown
      await stopInstances(servers);
    }
  },
};
