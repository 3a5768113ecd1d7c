/** Figures for the report lines: percentiles, counts and durations, formatted the same way everywhere. */

/** The nearest-rank percentile (p in 0…100) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export function maximum(values: readonly number[]): number {
  return values.reduce((max, v) => (v > max ? v : max), 0);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** How many answers had each status, e.g. "200×812 503×4 none×2", statuses in ascending order. */
export function statusTally(statuses: readonly number[]): string {
  const tally = new Map<number, number>();
  for (const s of statuses) tally.set(s, (tally.get(s) ?? 0) + 1);
  return [...tally.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? 'none' : status}×${n}`)
    .join(' ');
}

/** Runs `work` over the items with at most `limit` in flight; results keep the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) results[index] = await work(item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
