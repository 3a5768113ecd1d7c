import { compact } from '../domain/archive';
import { AccountDraft } from '../domain/draft';
import { nextDueAt, settle } from '../domain/settle';
import type { AccountState, Bucket, LedgerEntry } from '../domain/account';
import { recordSignals, signalsOff } from '../domain/signals';
import type { SignalPolicy } from '../domain/signals';
import { noMetrics } from './metrics';
import type { AccountDecision, AccountStore, Metrics } from './ports';

export interface RunDueResult {
  granted: number;
  expired: number;
  accounts: number;
  /** Accounts that could not be brought up to date this run: logged, and due again at the next. */
  failed: number;
}

export interface RunDueDeps {
  store: AccountStore;
  metrics?: Metrics;
  /** What the sweep's grants and expiries signal to the app (none by default). */
  signals?: SignalPolicy;
  /** Told about each account that failed, so the caller can log it; the sweep goes on past it. */
  onAccountFailed?: (failure: { customer: string; error: unknown }) => void;
}

/** Due accounts read, decided and written at a time (src/store/README.md: three round trips a batch). */
export const SWEEP_BATCH = 100;

interface Swept {
  entries: LedgerEntry[];
  /** The buckets the entries touched, as they were before compaction moved the expired ones out. */
  buckets: Bucket[];
}

/**
 * Settles one due account to `asOf` and moves its settled history to the archive. Always writes: the
 * account was due, so at least its next due date moves on.
 */
export function sweepDecision(asOf: Date, policy: SignalPolicy = signalsOff) {
  return (current: AccountState | null): AccountDecision<Swept> => {
    if (!current) throw new Error('a due account vanished');
    const draft = new AccountDraft(current);
    settle(draft, asOf);
    const buckets = [...draft.state.buckets];
    const archive = compact(draft, asOf);
    const signals = recordSignals({ policy, before: current, after: draft.state, entries: draft.entries, now: asOf });
    return {
      result: { entries: draft.entries, buckets },
      change: { state: draft.state, entries: draft.entries, nextDueAt: nextDueAt(draft.state, asOf), archive, signals },
    };
  };
}

/**
 * Issues every slot that has begun and expires every bucket that has ended, up to `asOf`, a batch of
 * accounts at a time. Safe on several instances at once: each account write is conditional on the
 * state it was decided from, and slot buckets have fixed ids, so a slot is granted once whoever gets
 * there first. An account that fails is counted and left for the next run.
 */
export async function runDue(deps: RunDueDeps, asOf: Date): Promise<RunDueResult> {
  const metrics = deps.metrics ?? noMetrics;
  const startedAt = performance.now();
  const seconds = (): number => (performance.now() - startedAt) / 1000;
  try {
    const result = await sweepDue(deps, metrics, asOf);
    metrics.sweepFinished({ ok: result.failed === 0, seconds: seconds(), asOf });
    return result;
  } catch (error) {
    metrics.sweepFinished({ ok: false, seconds: seconds(), asOf });
    throw error;
  }
}

async function sweepDue(deps: RunDueDeps, metrics: Metrics, asOf: Date): Promise<RunDueResult> {
  const result: RunDueResult = { granted: 0, expired: 0, accounts: 0, failed: 0 };
  await deps.store.changeAllDue<Swept>({
    asOf,
    batchSize: SWEEP_BATCH,
    decide: sweepDecision(asOf, deps.signals),
    onOutcome: (outcome) => {
      if (!outcome.ok) {
        result.failed += 1;
        deps.onAccountFailed?.({ customer: outcome.customer, error: outcome.error });
        return;
      }
      const swept = outcome.result;
      result.accounts += 1;
      result.granted += swept.entries.filter((e) => e.type === 'grant').length;
      result.expired += swept.entries.filter((e) => e.type === 'expire').length;
      if (swept.entries.length > 0) metrics.entriesCommitted(swept.entries, swept.buckets);
    },
  });
  return result;
}
