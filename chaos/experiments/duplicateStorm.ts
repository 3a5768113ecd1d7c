/**
 * Duplicate storm: thousands of distinct events, each delivered 1–4 times, shuffled, split across two
 * instances on one database and sent concurrently, as Stripe does after an outage. Every ledger must come
 * out as if each event had been applied once.
 */
import type Stripe from 'stripe';
import { deliverUntilAccepted, readAccounts } from '../api';
import type { Delivery } from '../api';
import type { Experiment, Outcome, RunContext } from '../experiment';
import { expectedAccounts } from '../expected';
import { judgeAccounts, verdictClean } from '../judge';
import { checkLedger, instance, startInstances, stopInstances } from '../lab';
import { count, inParallel, seconds } from '../stats';
import { tellStories } from '../stories';
import { describeVerdict, deliveryFigures, tallyOutcomes } from './figures';

const DATABASE = 'chaos_storm';

export const duplicateStorm: Experiment = {
  name: 'duplicate storm',
  async run(context: RunContext): Promise<Outcome> {
    const { sizes, random, lab } = context;
    const servers = await startInstances(lab, { database: DATABASE });
    try {
      // Set-up: the stories, each event 1–N times, shuffled, half of the first attempts to each instance.
      const stories = tellStories({ events: sizes.storm.events, prefix: 'storm', now: context.now, random });
      const copies: Stripe.Event[] = stories.events.flatMap((event) => Array.from({ length: random.int(1, sizes.storm.maxDeliveries) }, () => event));
      const deliveries = random.shuffle(copies).map((event, i) => ({ event, first: i % 2 }));
      context.progress(`storm: ${count(stories.events.length)} events, ${count(deliveries.length)} deliveries`);

      // Act: all of them, concurrently; a failed attempt is retried on the other instance, as a load balancer would.
      const startedAt = performance.now();
      const results: Delivery[] = await inParallel(deliveries, sizes.storm.inFlight, ({ event, first }) =>
        deliverUntilAccepted(event, { pick: (attempt) => instance(servers, first + attempt), giveUpAfterMs: 60_000 }),
      );
      const elapsed = performance.now() - startedAt;

      // Judge: every ledger against the expectation computed from the events, and the ledger invariants.
      const expected = expectedAccounts(stories.events);
      const verdict = judgeAccounts(expected, await readAccounts(servers[0], [...expected.keys()]));
      const ledger = await checkLedger(lab, DATABASE);
      const figures = deliveryFigures(results);
      const outcomes = tallyOutcomes(results);
      return {
        figures:
          `${count(stories.events.length)} events × 1–${sizes.storm.maxDeliveries} = ${count(deliveries.length)} deliveries on 2 instances ` +
          `in ${seconds(elapsed)} (${Math.round(deliveries.length / (elapsed / 1000))}/s): ${outcomes}; ` +
          `non-2xx ${figures.nonOk}, 5xx retried to 2xx ${figures.retried5xx}, never accepted ${figures.neverAccepted}; ` +
          `${describeVerdict(verdict)}; check-ledger ${ledger.clean ? 'clean' : `${ledger.breaches} breaches`} (${ledger.accounts} accounts)`,
        criteria: [
          { name: '0 mismatches', held: verdictClean(verdict) },
          { name: '0 non-2xx', held: figures.nonOk === 0 && figures.neverAccepted === 0 },
          { name: 'check-ledger clean', held: ledger.clean },
        ],
        details: [...verdict.examples, ...(ledger.problem ? [`check-ledger: ${ledger.problem}`] : []), ...figures.examples],
      };
    } finally {
      await stopInstances(servers);
    }
  },
};
