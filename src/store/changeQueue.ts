import type { AccountChange, ChangeRequest, KnownEffects } from '../app/ports';
import type { AccountState } from '../domain/account';

/** One caller waiting for its decision on an account to be written. */
export interface PendingChange {
  opKey: string | undefined;
  /** Decides on `current`; `deliver` answers the caller, once the change is written. */
  decide(current: AccountState | null, context: KnownEffects): Promise<{ change: AccountChange | null; deliver(): void }>;
  reject(error: unknown): void;
}

/** At most this many decisions ride on one write: the document stays small however hot the account. */
const MAX_GROUP = 64;

/**
 * Per account, in one process: callers queue, and whoever arrives while a write is in flight is decided
 * and written together with the others waiting, in one conditional update (a group commit). Correctness
 * never depends on it (every write is conditional on the version it was decided from); it makes a hot
 * account cost one write per group instead of one per caller, and keeps callers from racing each other.
 */
export class ChangeQueue {
  private readonly waiting = new Map<string, PendingChange[]>();

  constructor(private readonly runGroup: (customer: string, group: PendingChange[]) => Promise<void>) {}

  enqueue<T>(request: ChangeRequest<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: PendingChange = {
        opKey: request.opKey,
        decide: async (current, context) => {
          const decision = await request.decide(current, context);
          return { change: decision.change, deliver: () => resolve(decision.result) };
        },
        reject,
      };
      const queue = this.waiting.get(request.customer);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.waiting.set(request.customer, [pending]);
      void this.drain(request.customer);
    });
  }

  private async drain(customer: string): Promise<void> {
    for (;;) {
      const queue = this.waiting.get(customer) ?? [];
      if (queue.length === 0) {
        this.waiting.delete(customer);
        return;
      }
      const group = queue.splice(0, MAX_GROUP);
      try {
        await this.runGroup(customer, group);
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
  }
}
