import { schedule } from 'node-cron';
import type { Logger } from '../logger';

export interface Scheduler {
  /** Stops new runs and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Wires GRANT_CRON (UTC) to the sweep, and runs it once at start so a service that was down
 * catches up on every boundary it missed. Overlapping runs in one process are skipped; runs on
 * several instances are safe by construction (see src/store/README.md).
 */
export function startScheduler(input: { cron: string; sweep: () => Promise<unknown>; logger: Logger }): Scheduler {
  let running: Promise<void> | null = null;
  const runOnce = (): Promise<void> => {
    if (running) return running;
    running = input
      .sweep()
      .then((result) => input.logger.info({ result }, 'sweep finished'))
      .catch((err: unknown) => input.logger.error({ err }, 'sweep failed; the next run retries'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const task = schedule(input.cron, runOnce, { timezone: 'UTC', name: 'credits-sweep', noOverlap: true });
  void runOnce();
  return {
    stop: async () => {
      await task.stop();
      if (running) await running;
    },
  };
}
