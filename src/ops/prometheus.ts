import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { creditFlows } from '../app/metrics';
import type { DebitOutcome, Metrics, SignalOutcome } from '../app/ports';
import { SIGNAL_TYPES } from '../domain/signals';
import type { Bucket, LedgerEntry } from '../domain/account';
import type { Clock } from '../domain/clock';

const DEBIT_OUTCOMES: DebitOutcome[] = ['created', 'replayed', 'insufficient', 'conflict', 'not_found', 'invalid', 'failed'];
/** Webhooks answer in milliseconds; Stripe gives up on a delivery after about 10 seconds. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SWEEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300];

/**
 * The metrics of one composed service, in a registry of its own: never prom-client's global one,
 * so two services in one process (tests, a CLI beside a server) never add into each other's numbers.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private lastSweepAsOf: Date | null = null;

  private readonly events = new Counter({
    name: 'credits_stripe_events_total',
    help: 'Verified Stripe events handled, by event type and outcome (processed, duplicate, ignored, parked, failed).',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly webhookSeconds = new Histogram({
    name: 'credits_webhook_duration_seconds',
    help: 'Time to answer POST /webhooks/stripe, by outcome (an event outcome, or rejected before verification).',
    labelNames: ['outcome'] as const,
    buckets: WEBHOOK_BUCKETS,
    registers: [this.registry],
  });
  private readonly granted = new Counter({
    name: 'credits_granted_total',
    help: 'Credits granted by committed ledger entries, by source (subscription, topup, adjustment, raise, restore).',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly debited = new Counter({
    name: 'credits_debited_total',
    help: 'Credits taken by committed ledger entries, by what took them (debit, adjustment).',
    labelNames: ['via'] as const,
    registers: [this.registry],
  });
  private readonly expired = new Counter({
    name: 'credits_expired_total',
    help: 'Unspent credits forfeited when their bucket ended, by bucket source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly revoked = new Counter({
    name: 'credits_revoked_total',
    help: 'Credits taken back by refunds and disputes, by cause.',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  private readonly debits = new Counter({
    name: 'credits_debit_requests_total',
    help: 'Debit requests, by outcome (created, replayed, insufficient, conflict, not_found, invalid, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly sweeps = new Counter({
    name: 'credits_sweep_runs_total',
    help: 'Runs of the due-grant sweep (scheduled or POST /v1/admin/run-due), by result (ok, failed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly sweepSeconds = new Histogram({
    name: 'credits_sweep_duration_seconds',
    help: 'Duration of due-grant sweep runs, successful or not.',
    buckets: SWEEP_BUCKETS,
    registers: [this.registry],
  });

  private readonly signals = {
    delivered: new Counter({
      name: 'credits_signals_delivered_total',
      help: 'Signals the app acknowledged (2xx), by type.',
      labelNames: ['type'] as const,
      registers: [this.registry],
    }),
    retried: new Counter({
      name: 'credits_signals_retried_total',
      help: 'Failed attempts to deliver a signal that will be tried again (non-2xx, refused, timed out), by type.',
      labelNames: ['type'] as const,
      registers: [this.registry],
    }),
    dead: new Counter({
      name: 'credits_signals_dead_total',
      help: 'Signals given up on after 3 days of retries, by type (see `npm run admin -- signals --failed`).',
      labelNames: ['type'] as const,
      registers: [this.registry],
    }),
  } satisfies Record<SignalOutcome, Counter<'type'>>;

  constructor(options: { clock: Clock; processMetrics?: boolean }) {
    const { clock } = options;
    const startedAt = clock.now();
    const lastSweep = (): Date | null => this.lastSweepAsOf;
    new Gauge({
      name: 'credits_sweep_last_success_timestamp_seconds',
      help: 'The instant (asOf, Unix seconds) up to which the last successful sweep issued and expired credits; 0 before the first.',
      registers: [this.registry],
      collect() {
        this.set((lastSweep()?.getTime() ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'credits_sweep_lag_seconds',
      help: 'Seconds since the instant the last successful sweep covered (since start-up before the first): how late a due grant or expiry can be.',
      registers: [this.registry],
      collect() {
        this.set(Math.max(0, clock.now().getTime() - (lastSweep() ?? startedAt).getTime()) / 1000);
      },
    });
    // Series that exist from the start, so `increase(...[1h]) > 0` alerts on the first failure too.
    for (const result of ['ok', 'failed']) this.sweeps.inc({ result }, 0);
    for (const outcome of DEBIT_OUTCOMES) this.debits.inc({ outcome }, 0);
    for (const type of SIGNAL_TYPES) for (const counter of Object.values(this.signals)) counter.inc({ type }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of this service's registry, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  eventHandled(event: Parameters<Metrics['eventHandled']>[0]): void {
    this.events.inc({ type: event.type, outcome: event.outcome });
  }

  entriesCommitted(entries: readonly LedgerEntry[], buckets: readonly Bucket[]): void {
    for (const flow of creditFlows(entries, buckets)) {
      if (flow.kind === 'granted') this.granted.inc({ source: flow.label }, flow.credits);
      if (flow.kind === 'debited') this.debited.inc({ via: flow.label }, flow.credits);
      if (flow.kind === 'expired') this.expired.inc({ source: flow.label }, flow.credits);
      if (flow.kind === 'revoked') this.revoked.inc({ cause: flow.label }, flow.credits);
    }
  }

  debitRequested(outcome: DebitOutcome): void {
    this.debits.inc({ outcome });
  }

  sweepFinished(run: Parameters<Metrics['sweepFinished']>[0]): void {
    this.sweeps.inc({ result: run.ok ? 'ok' : 'failed' });
    this.sweepSeconds.observe(run.seconds);
    // A run for an earlier asOf (an admin catching up a past instant) does not make the sweep look fresher.
    if (run.ok && (!this.lastSweepAsOf || run.asOf > this.lastSweepAsOf)) this.lastSweepAsOf = run.asOf;
  }

  signalAttempted(attempt: Parameters<Metrics['signalAttempted']>[0]): void {
    this.signals[attempt.outcome].inc({ type: attempt.type });
  }

  webhookAnswered(answer: Parameters<Metrics['webhookAnswered']>[0]): void {
    this.webhookSeconds.observe({ outcome: answer.outcome }, answer.seconds);
  }
}
