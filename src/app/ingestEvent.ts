import { appliedInArchive, archiveQueries, restore } from '../domain/archive';
import { applyCommand } from '../domain/commands';
import type { CreditCommand } from '../domain/commands';
import { settle } from '../domain/settle';
import type { AccountService } from './accounts';
import { noMetrics } from './metrics';
import type { EventMapper, EventStore, IncomingEvent, Metrics, WebhookStatus } from './ports';

export interface IngestDeps {
  events: EventStore;
  accounts: AccountService;
  /** What an event means for credits: the Stripe mapping (src/stripe/mapEvent.ts). */
  mapper: EventMapper;
  /** Absent where nobody scrapes (a CLI run): events are then not counted. */
  metrics?: Metrics;
}

interface IngestInput {
  /** Verified by the webhook route, fetched from Stripe by replay or reconcile, or a parked event as stored. */
  event: IncomingEvent;
  now: Date;
}

export interface IngestOutcome {
  status: WebhookStatus;
  customer: string | null;
  reason: string | null;
}

/**
 * Applies one trusted event: record it (while the mapper says what it means and the account is read) → commit
 * the account → finish. The event id is recorded before any effect; the effects are keyed by business object (term, slot, session…),
 * so a retry after a crash anywhere here, a duplicate, or a concurrent delivery applies them exactly once. If anything throws, the event stays
 * 'received' and Stripe's retry (or `replay`) finishes it.
 */
export async function ingestEvent(deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> {
  const metrics = deps.metrics ?? noMetrics;
  try {
    const outcome = await applyOnce(deps, input);
    metrics.eventHandled({ type: input.event.type, outcome: outcome.status });
    return outcome;
  } catch (error) {
    metrics.eventHandled({ type: input.event.type, outcome: 'failed' });
    throw error;
  }
}

/** Thrown from a decision to leave the account untouched: the event had been applied before. */
class AlreadyApplied {}

const DUPLICATE: IngestOutcome = { status: 'duplicate', customer: null, reason: null };

async function applyOnce(deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> {
  const { event, now } = input;
  // The event is recorded while it is mapped and its account read: only the write of its effects waits for the
  // record, so the record still comes first, and an event applied before changes nothing.
  const recorded = deps.events.begin(event, now);
  recorded.catch(() => undefined); // awaited below; this keeps a failure before then from going unhandled
  const mapped = await deps.mapper.map(event);
  if (mapped.outcome !== 'apply') {
    if ((await recorded) === 'done') return DUPLICATE;
    const customer = mapped.outcome === 'parked' ? mapped.customer : null;
    await deps.events.finish(event.id, { status: mapped.outcome, reason: mapped.reason, customer, at: now });
    return { status: mapped.outcome, customer, reason: mapped.reason };
  }
  try {
    await applyCommands(deps, { customer: mapped.customer, commands: mapped.commands, now, recorded });
  } catch (error) {
    if (error instanceof AlreadyApplied) return DUPLICATE;
    throw error;
  }
  await deps.events.finish(event.id, { status: 'processed', reason: null, customer: mapped.customer, at: now });
  return { status: 'processed', customer: mapped.customer, reason: null };
}

async function applyCommands(deps: IngestDeps, input: { customer: string; commands: CreditCommand[]; now: Date; recorded: Promise<'open' | 'done'> }): Promise<void> {
  const { now } = input;
  await deps.accounts.mutate({
    customer: input.customer,
    now,
    create: true,
    decide: async (draft, context) => {
      if ((await input.recorded) === 'done') throw new AlreadyApplied();
      for (const command of input.commands) {
        // Usually no query at all: only a record the account's archive marks say may have left it is looked for.
        const archived = await context.archived(archiveQueries(draft.state, command));
        if (appliedInArchive(command, archived)) continue;
        for (const record of archived) restore(draft, record);
        applyCommand(draft, command);
      }
      // A term paid just now has a slot that began: grant it in the same commit.
      settle(draft, now);
    },
  });
}
