import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { DEFAULT_RETRY, decideAfterAttempt } from '../domain/signalDelivery';
import type { RetryPolicy } from '../domain/signalDelivery';
import { noMetrics } from './metrics';
import type { Metrics, QueuedSignal, SignalQueue, SignalSender } from './ports';

/**
 * How long one instance holds a signal while it sends it: twice the send timeout, so an attempt always ends
 * inside its lease, and short, because a lease left by an instance that died holds the customer's signals back
 * until it runs out.
 */
const DEFAULT_LEASE_MS = 20_000;

export interface DispatcherOptions {
  queue: SignalQueue;
  sender: SignalSender;
  /** Real time (never the admin test clock): leases and retries are about this process, not about credits. */
  clock: Clock;
  metrics?: Metrics;
  retry?: RetryPolicy;
  /** How often to look for signals recorded by other instances, or left by a crash (a write here wakes it at once). */
  pollMs?: number;
  /** Longer than any attempt (the sender's timeout): another instance takes a signal over only after this. */
  leaseMs?: number;
  /** Deliveries in flight at once, each to a different customer. */
  concurrency?: number;
  onError?: (error: unknown) => void;
  random?: () => number;
}

export interface DispatchRound {
  delivered: number;
  retried: number;
  dead: number;
}

const COLLECT_BATCH = 100;

/**
 * Delivers signals to the app, in order per customer, at least once, with retries and exponential
 * backoff for 3 days. Each round: collect (signals recorded with their changes → queue) → pick (the first due signal of each
 * customer) → for each: lease, send, decide (pure: src/domain/signalDelivery.ts), record. Runs beside the
 * HTTP server and never on a request's path; several instances may run at once.
 */
export class SignalDispatcher {
  private readonly owner = randomUUID();
  private readonly retry: RetryPolicy;
  private readonly metrics: Metrics;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Set by stop(): a round in progress ends after its current batch, so shutdown never waits for a backlog. */
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private pending = false;

  constructor(private readonly options: DispatcherOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.metrics = options.metrics ?? noMetrics;
  }

  /** One round until nothing is due: what tests and `signals retry` drive directly. */
  async runOnce(): Promise<DispatchRound> {
    const round: DispatchRound = { delivered: 0, retried: 0, dead: 0 };
    const now = (): Date => this.options.clock.now();
    while ((await this.options.queue.collect(now(), COLLECT_BATCH)) === COLLECT_BATCH);
    while (!this.stopping) {
      const due = await this.options.queue.due(now(), this.options.concurrency ?? 16);
      if (due.length === 0) return round;
      const outcomes = await Promise.all(due.map((signal) => this.deliver(signal)));
      for (const outcome of outcomes) if (outcome) round[outcome] += 1;
      // Everything due was leased by another instance: its deliveries are that instance's to finish.
      if (outcomes.every((o) => o === null)) return round;
    }
    return round;
  }

  private async deliver(signal: QueuedSignal): Promise<keyof DispatchRound | null> {
    const { queue, clock, sender } = this.options;
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const leasedAt = clock.now();
    if (!(await queue.lease(signal.id, this.owner, new Date(leasedAt.getTime() + leaseMs), leasedAt))) return null;
    const result = await sender.send(signal, clock.now());
    const decision = decideAfterAttempt({ policy: this.retry, attempts: signal.attempts, queuedAt: signal.queuedAt, result, now: clock.now(), jitter: (this.options.random ?? Math.random)() });
    if (!(await queue.finish(signal, this.owner, decision))) return null;
    const outcome = decision.status === 'delivered' ? 'delivered' : decision.status === 'dead' ? 'dead' : 'retried';
    this.metrics.signalAttempted({ type: signal.type, outcome });
    return outcome;
  }

  /** Runs rounds until stopped: after each, waits for a wake-up (a write that recorded signals) or the poll interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Asks for a round as soon as the current one ends. Never waits, never throws: safe to call from a request's path. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.pending = false;
      try {
        await this.runOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (this.stopped || this.pending) continue;
      await new Promise<void>((resume) => {
        const timer = setTimeout(resume, this.options.pollMs ?? 1000);
        this.wakeUp = () => {
          clearTimeout(timer);
          resume();
        };
      });
      this.wakeUp = null;
    }
  }

  /** Stops after the round in progress (its attempts are bounded by the sender's timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = this.running !== null;
    this.wakeUp?.();
    await this.running;
    this.running = null;
    this.stopping = false;
  }
}
