/**
 * Kill loop: a stream of events over two instances while one of them is killed with SIGKILL again and
 * again (never both at once) and started again. A delivery that fails or gets no answer is redelivered as
 * Stripe would, to whichever instance answers, until 2xx. Nothing may be lost or applied twice.
 *
 * The stream is cut into one segment per kill, and kill k lands when half of segment k has been sent, so
 * every kill meets requests in flight however fast or slow the machine is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverUntilAccepted, readAccounts } from '../api';
import type { Delivery } from '../api';
import type { Experiment, Outcome, RunContext } from '../experiment';
import { expectedAccounts } from '../expected';
import { judgeAccounts, verdictClean } from '../judge';
import { checkLedger, instance, startInstances, stopInstances } from '../lab';
import type { ServerProcess } from '../serverProcess';
import { count, inParallel, maximum, seconds } from '../stats';
import { tellStories } from '../stories';
import { describeVerdict, deliveryFigures } from './figures';

const DATABASE = 'chaos_kills';
/** Time between two sends within a segment, so a segment lasts long enough to be cut by a kill. */
const SPACING_MS = 15;

interface KillRecord {
  victim: string;
  inFlight: number;
  restartMs: number;
}

/** Sends are numbered; the killer waits for a send number, the sender for a number of kills. */
class Stream {
  sent = 0;
  inFlight = 0;
  kills = 0;
  private waiters: (() => void)[] = [];

  changed(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((wake) => this.waiters.push(wake));
  }
}

async function killAndRestart(input: { victim: ServerProcess; other: ServerProcess; stream: Stream }): Promise<KillRecord & { restarted: Promise<void> }> {
  const { victim, other, stream } = input;
  // Never both down: Stripe's retries need somewhere to land. And never into silence: wait (briefly) for a request in flight.
  while (!other.alive || !victim.alive) await sleep(20);
  for (let waited = 0; stream.inFlight === 0 && waited < 2000; waited += 5) await sleep(5);
  const inFlight = stream.inFlight;
  await victim.kill9();
  const startedAt = performance.now();
  const record: KillRecord = { victim: victim.name, inFlight, restartMs: 0 };
  const restarted = victim.start().then(() => {
    record.restartMs = performance.now() - startedAt;
  });
  return Object.assign(record, { restarted });
}

export const killLoop: Experiment = {
  name: 'kill loop',
  async run(context: RunContext): Promise<Outcome> {
    const { sizes, random, lab } = context;
    const { kills } = sizes.killLoop;
    const servers = await startInstances(lab, { database: DATABASE });
    try {
      // Set-up: the stories' events, some of them twice (Stripe duplicates too), in random order.
      const stories = tellStories({ events: sizes.killLoop.events, prefix: 'kills', now: context.now, random });
      const deliveries = random.shuffle(stories.events.flatMap((event) => (random.chance(0.2) ? [event, event] : [event])));
      const segment = Math.ceil(deliveries.length / (kills + 1));
      const stream = new Stream();

      // Act: the stream (segment k waits for kill k) and the killer (kill k lands mid-segment).
      const startedAt = performance.now();
      const sending = inParallel(deliveries, sizes.killLoop.inFlight, async (event, index): Promise<Delivery> => {
        await stream.until(() => stream.kills >= Math.floor(index / segment));
        await sleep(SPACING_MS);
        stream.sent += 1;
        stream.inFlight += 1;
        stream.changed();
        const first = random.int(0, 1);
        try {
          return await deliverUntilAccepted(event, { pick: (attempt) => instance(servers, first + attempt), giveUpAfterMs: 90_000 });
        } finally {
          stream.inFlight -= 1;
        }
      });
      const records: (KillRecord & { restarted: Promise<void> })[] = [];
      for (let k = 0; k < kills; k++) {
        await stream.until(() => stream.sent >= k * segment + Math.floor(segment / 2));
        const [victim, other] = k % 2 === 0 ? servers : [servers[1], servers[0]];
        records.push(await killAndRestart({ victim, other, stream }));
        stream.kills += 1;
        stream.changed();
      }
      const results = await sending;
      await Promise.all(records.map((r) => r.restarted));
      const elapsed = performance.now() - startedAt;

      // Judge: every ledger against the events, and the invariants.
      const expected = expectedAccounts(stories.events);
      const verdict = judgeAccounts(expected, await readAccounts(servers[0], [...expected.keys()]));
      const ledger = await checkLedger(lab, DATABASE);
      const figures = deliveryFigures(results);
      const cutOff = results.reduce((n, r) => n + r.statuses.filter((s) => s === 0).length, 0);
      const redelivered = results.filter((r) => r.statuses.length > 1).length;
      const killedMidFlight = records.filter((r) => r.inFlight > 0).length;
      const restarts = records.map((r) => r.restartMs);
      return {
        figures:
          `${records.length} kill -9 (${killedMidFlight} with requests in flight, restart mean ${seconds(restarts.reduce((a, b) => a + b, 0) / Math.max(1, restarts.length))}, ` +
          `max ${seconds(maximum(restarts))}) during ${count(deliveries.length)} deliveries of ${count(stories.events.length)} events in ${seconds(elapsed)}: ` +
          `${cutOff} attempts cut off or refused, ${figures.retried5xx} 5xx, ${redelivered} events redelivered, ${figures.neverAccepted} never accepted; ` +
          `lost ${verdict.lost}, doubled ${verdict.doubled}; ${describeVerdict(verdict)}; check-ledger ${ledger.clean ? 'clean' : `${ledger.breaches} breaches`}`,
        criteria: [
          { name: `${kills} kills with requests in flight`, held: killedMidFlight >= kills },
          { name: 'every event accepted after retries', held: figures.neverAccepted === 0 },
          { name: '0 lost', held: verdict.lost === 0 },
          { name: '0 doubled', held: verdict.doubled === 0 },
          { name: 'ledgers exact', held: verdictClean(verdict) },
          { name: 'check-ledger clean', held: ledger.clean },
        ],
        details: [...verdict.examples, ...(ledger.problem ? [`check-ledger: ${ledger.problem}`] : []), ...servers.filter((s) => s.unexpectedExits > 0).map((s) => `${s.name} died by itself: ${s.lastWords.slice(0, 300)}`)],
      };
    } finally {
      await stopInstances(servers);
    }
  },
};
