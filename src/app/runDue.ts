import type { AccountService } from './accounts';
import { noMetrics } from './metrics';
import type { Metrics } from './metrics';
import type { AccountStore } from './ports';

export interface RunDueResult {
  granted: number;
  expired: number;
  accounts: number;
}

export interface RunDueDeps {
  accounts: AccountService;
  store: AccountStore;
  metrics?: Metrics;
}

const BATCH = 200;

/**
 * Issues every slot that has begun and expires every bucket that has ended, up to `asOf`. Safe to
 * run on several instances at once: each account change is a versioned commit and slot buckets
 * have fixed ids, so a slot is granted once whoever gets there first.
 */
export async function runDue(deps: RunDueDeps, asOf: Date): Promise<RunDueResult> {
  const metrics = deps.metrics ?? noMetrics;
  const startedAt = performance.now();
  const seconds = (): number => (performance.now() - startedAt) / 1000;
  try {
    const result = await sweepDue(deps, asOf);
    metrics.sweepFinished({ ok: true, seconds: seconds(), asOf });
    return result;
  } catch (error) {
    metrics.sweepFinished({ ok: false, seconds: seconds(), asOf });
    throw error;
  }
}

async function sweepDue(deps: RunDueDeps, asOf: Date): Promise<RunDueResult> {
  const result: RunDueResult = { granted: 0, expired: 0, accounts: 0 };
  const seen = new Set<string>();
  for (;;) {
    const due = (await deps.store.findDue(asOf, BATCH)).filter((c) => !seen.has(c));
    if (due.length === 0) {
      // Housekeeping rides on the sweep, off the paths a customer waits on.
      await deps.store.pruneOldVersions();
      return result;
    }
    for (const customer of due) {
      seen.add(customer);
      const { entries } = await deps.accounts.mutate({ customer, now: asOf, create: false, decide: () => undefined });
      result.accounts += 1;
      result.granted += entries.filter((e) => e.type === 'grant').length;
      result.expired += entries.filter((e) => e.type === 'expire').length;
    }
  }
}
