/**
 * A steady mixed load for the frozen-database experiment: debits, Stripe events and balance reads over
 * both instances, every request timed. A request that fails is not retried inline (its time is what is
 * measured); it is kept, and `drain` retries it afterwards as Stripe and a careful client would, so the
 * final ledgers can be judged for exactly-once effects.
 */
import type Stripe from 'stripe';
import { setTimeout as sleep } from 'node:timers/promises';
import { balance, debit, debitUntilAnswered, deliverOnce, deliverUntilAccepted } from './api';
import type { DebitRequest, Delivery } from './api';
import type { DebitAnswer } from './debitJudge';
import { instance } from './lab';
import type { Instances } from './lab';
import type { Timed } from './outage';
import type { Random } from './random';
import { inParallel } from './stats';

/** Longer than any limit judged, so a hung request is measured, not cut short. */
const CLIENT_TIMEOUT_MS = 15_000;
const THINK_MS = 40;

type Action = 'debit' | 'webhook' | 'balance';

export class MixedLoad {
  readonly requests: Timed[] = [];
  /** Every event sent at least once, and whether a 2xx has accepted it yet. */
  private readonly events = new Map<string, { event: Stripe.Event; accepted: boolean }>();
  private readonly unsent: Stripe.Event[];
  /** Every debit sent, with its definitive answer once it has one. */
  private readonly debits = new Map<string, { request: DebitRequest; answer: DebitAnswer | null }>();
  private stopped = false;
  private running: Promise<void> | null = null;
  private sequence = 0;

  constructor(private readonly input: { servers: Instances; accounts: string[]; events: Stripe.Event[]; inFlight: number; random: Random }) {
    this.unsent = [...input.events];
  }

  start(): void {
    this.running = Promise.all(Array.from({ length: this.input.inFlight }, () => this.worker())).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const n = this.sequence++;
      const action = this.input.random.pick<Action>(['debit', 'webhook', 'balance']);
      const startedAt = performance.now();
      const status = await this.act(action, n);
      this.requests.push({ kind: action, startedAt, ms: performance.now() - startedAt, status });
      await sleep(THINK_MS);
    }
  }

  /**
   * `count` debits at once, on top of the steady load; resolves once `answered` of them have answered 201,
   * so a database kill that follows lands while acknowledged writes are still fresh.
   */
  async burst(count: number, answered: number): Promise<void> {
    let created = 0;
    let wake: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (wake = resolve));
    const all = Array.from({ length: count }, async () => {
      const n = this.sequence++;
      const startedAt = performance.now();
      const status = await this.spend(n);
      this.requests.push({ kind: 'debit', startedAt, ms: performance.now() - startedAt, status });
      if (status === 201 && ++created >= answered) wake();
    });
    await Promise.race([enough, Promise.all(all)]);
  }

  private async spend(n: number): Promise<number> {
    const { servers, accounts, random } = this.input;
    const request = { customer: random.pick(accounts), key: `load-${n}`, amount: random.int(1, 10) };
    const answer = await debit(instance(servers, n), { ...request, idempotencyKey: request.key, timeoutMs: CLIENT_TIMEOUT_MS });
    const definitive = answer.status !== 0 && answer.status < 500;
    this.debits.set(request.key, { request, answer: definitive ? { ...request, status: answer.status, json: answer.json, retried: false } : null });
    return answer.status;
  }

  private async act(action: Action, n: number): Promise<number> {
    const { servers, accounts, random } = this.input;
    const server = instance(servers, n);
    if (action === 'balance') return (await balance(server, random.pick(accounts), CLIENT_TIMEOUT_MS)).status;
    if (action === 'debit') return this.spend(n);
    // Events not sent yet first; once all are out, redeliveries of sent ones (Stripe duplicates).
    const event = this.unsent.shift() ?? random.pick([...this.events.values()]).event;
    const answer = await deliverOnce(server, event, CLIENT_TIMEOUT_MS);
    const known = this.events.get(event.id);
    this.events.set(event.id, { event, accepted: (known?.accepted ?? false) || (answer.status >= 200 && answer.status < 300) });
    return answer.status;
  }

  /** The events sent at least once: what the ledgers must reflect, exactly once each, after the drain. */
  get sentEvents(): Stripe.Event[] {
    return [...this.events.values()].map((e) => e.event);
  }

  /** Retries every event not yet accepted and every debit without a definitive answer, until they have one. */
  async drain(): Promise<{ deliveries: Delivery[]; debits: DebitAnswer[]; retriedEvents: number; retriedDebits: number }> {
    const { servers } = this.input;
    const pendingEvents = [...this.events.values()].filter((e) => !e.accepted);
    const deliveries = await inParallel(pendingEvents, 8, (e, i) => deliverUntilAccepted(e.event, { pick: (attempt) => instance(servers, i + attempt), giveUpAfterMs: 60_000 }));
    const pendingDebits = [...this.debits.values()].filter((d) => d.answer === null);
    await inParallel(pendingDebits, 8, async (d, i) => {
      const answer = await debitUntilAnswered(servers, d.request, i);
      d.answer = { ...answer, retried: true };
    });
    const debits = [...this.debits.values()].flatMap((d) => (d.answer ? [d.answer] : []));
    return { deliveries, debits, retriedEvents: pendingEvents.length, retriedDebits: pendingDebits.length };
  }
}

/** Asks every instance's `/readyz` every 250 ms, and keeps each answer's time. */
export class ReadinessProbe {
  readonly probes: Timed[] = [];
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(private readonly servers: Instances) {}

  start(): void {
    this.running = Promise.all(
      this.servers.map(async (server) => {
        while (!this.stopped) {
          const startedAt = performance.now();
          const answer = await server.client.send({ method: 'GET', path: '/readyz', timeoutMs: CLIENT_TIMEOUT_MS });
          this.probes.push({ kind: `readyz ${server.name}`, startedAt, ms: answer.ms, status: answer.status });
          await sleep(250);
        }
      }),
    ).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

/**
 * Reads a balance on each instance every 100 ms until every instance has answered 200: the instant the
 * service is back for its users. Returns the ms since `since`, or null if it is not back within the limit.
 */
export async function untilServing(input: { servers: Instances; customer: string; since: number; limitMs: number }): Promise<number | null> {
  const back = await Promise.all(
    input.servers.map(async (server) => {
      while (performance.now() - input.since < input.limitMs) {
        const answer = await balance(server, input.customer, 5000);
        if (answer.status === 200) return true;
        await sleep(100);
      }
      return false;
    }),
  );
  return back.every(Boolean) ? performance.now() - input.since : null;
}
