/**
 * Racing debits and replays: many debits at once on one hot account, then on many accounts, through
 * both instances, asking for more than the balance holds, with the same idempotency key sent again
 * (replays, some of them while the first is still in flight) and a few keys reused for another amount.
 */
import { debitUntilAnswered, grant, readAccounts } from '../api';
import type { DebitVerdict } from '../debitJudge';
import { debitVerdictClean, judgeDebits } from '../debitJudge';
import type { Experiment, Outcome, RunContext } from '../experiment';
import { checkLedger, startInstances, stopInstances } from '../lab';
import type { Instances } from '../lab';
import type { DebitRequest } from '../api';
import type { Random } from '../random';
import { count, inParallel, percentile, seconds } from '../stats';

const DATABASE = 'chaos_debits';
const MAX_AMOUNT = 100;

/** `debits` fresh keys, `replays` copies of some of them, and one reuse of a key for another amount per 20 replays. */
function planDebits(input: { customers: string[]; debits: number; replays: number; random: Random }): DebitRequest[] {
  const { random } = input;
  const originals = Array.from({ length: input.debits }, (_, i) => ({
    customer: random.pick(input.customers),
    key: `race-${i}-${random.int(0, 1e9)}`,
    amount: random.int(1, MAX_AMOUNT),
  }));
  const replays = Array.from({ length: input.replays }, (_, i) => {
    const original = random.pick(originals);
    return i % 20 === 19 ? { ...original, amount: original.amount + 1 } : original;
  });
  return random.shuffle([...originals, ...replays]);
}

interface Race {
  verdict: DebitVerdict;
  requests: number;
  failures: number;
  elapsedMs: number;
  p99Ms: number;
}

async function race(input: { servers: Instances; customers: string[]; grantEach: number; debits: number; replays: number; inFlight: number; random: Random }): Promise<Race> {
  const { servers, customers, random } = input;
  // Set-up: each account gets its credits from an admin grant.
  await inParallel(customers, 8, (customer) => grant(servers[0], customer, input.grantEach));
  const requests = planDebits({ customers, debits: input.debits, replays: input.replays, random });
  // Act.
  const startedAt = performance.now();
  const answers = await inParallel(requests, input.inFlight, (request, i) => debitUntilAnswered(servers, request, i % 2));
  const elapsedMs = performance.now() - startedAt;
  // Judge.
  const finals = await readAccounts(servers[1], customers);
  const verdict = judgeDebits({ initial: new Map(customers.map((c) => [c, input.grantEach])), answers, finals });
  return {
    verdict,
    requests: requests.length,
    failures: answers.reduce((n, a) => n + a.failures, 0),
    elapsedMs,
    p99Ms: percentile(answers.map((a) => a.ms), 99),
  };
}

function describeRace(name: string, r: Race): string {
  const v = r.verdict;
  return (
    `${name}: ${count(r.requests)} debits in ${seconds(r.elapsedMs)} (p99 ${seconds(r.p99Ms)}), 201×${v.created} 200×${v.replayed} 402×${v.refused} 409×${v.conflicts}` +
    `${r.failures > 0 ? `, ${r.failures} 5xx/no answer retried` : ''}; lowest balance ${v.lowestBalance}; consumed ${count(v.consumed)} = acknowledged ${count(v.acknowledged)}? ` +
    `${v.consumptionMismatches === 0 ? 'yes' : `no in ${v.consumptionMismatches} accounts`}; bad replays ${v.badReplays}`
  );
}

export const racingDebits: Experiment = {
  name: 'racing debits and replays',
  async run(context: RunContext): Promise<Outcome> {
    const { sizes, random, lab } = context;
    const s = sizes.racing;
    const servers = await startInstances(lab, { database: DATABASE });
    try {
      // One hot account granted about 60% of what will be asked of it, so the race ends in 402s.
      const hotGrant = Math.floor(s.hotDebits * (MAX_AMOUNT / 2) * 0.6);
      const hot = await race({ servers, customers: ['cus_racehot'], grantEach: hotGrant, debits: s.hotDebits, replays: s.hotReplays, inFlight: s.inFlight, random });
      const many = Array.from({ length: s.accounts }, (_, i) => `cus_racemany${i}`);
      const spread = await race({
        servers,
        customers: many,
        grantEach: Math.floor(s.debitsPerAccount * (MAX_AMOUNT / 2) * 0.7),
        debits: s.accounts * s.debitsPerAccount,
        replays: Math.floor((s.accounts * s.debitsPerAccount) / 4),
        inFlight: s.inFlight,
        random,
      });
      const ledger = await checkLedger(lab, DATABASE);
      const both = [hot.verdict, spread.verdict];
      return {
        figures: `${describeRace('1 hot account', hot)} | ${describeRace(`${s.accounts} accounts`, spread)} | check-ledger ${ledger.clean ? 'clean' : `${ledger.breaches} breaches`}`,
        criteria: [
          { name: 'never negative', held: both.every((v) => v.negatives === 0) },
          { name: 'consumed = sum of 201s', held: both.every((v) => v.consumptionMismatches === 0) },
          { name: 'replays answer 200 with the first body', held: both.every((v) => v.badReplays === 0) },
          { name: 'only 200/201/402/409', held: both.every((v) => v.unexpected === 0) && both.every(debitVerdictClean) },
          { name: 'check-ledger clean', held: ledger.clean },
        ],
        details: [...hot.verdict.examples, ...spread.verdict.examples, ...(ledger.problem ? [`check-ledger: ${ledger.problem}`] : [])],
      };
    } finally {
      await stopInstances(servers);
    }
  },
};
