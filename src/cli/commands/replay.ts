import { REPLAY_WINDOW_DAYS, emptyReplayCounts, replayExitCode, replayWindowStart } from '../../app/replay';
import type { EventReplayer, ReplayCounts, ReplayedEvent } from '../../app/replay';
import type { Clock } from '../../domain/clock';
import { UsageError, parseFlags, parseInstant } from '../command';
import type { CommandStreams } from '../command';

export interface ReplayCommandDeps {
  /** Built lazily, so `--help` and usage errors need no database or Stripe key. */
  open: () => Promise<EventReplayer>;
  clock: Clock;
  io: CommandStreams;
}

export const REPLAY_USAGE = `Usage: npm run admin -- replay (--since ISO | --event evt_… | --parked) [--json]

Applies events again through the webhook's own code path. Every effect is keyed by its business
object, so an event that was already applied answers "duplicate" and changes nothing.

  --since ISO     every event Stripe created at or after this instant, of the types this service acts on
                  (Stripe keeps events for ${REPLAY_WINDOW_DAYS} days: an older --since is refused)
  --event evt_…   one event, fetched from Stripe
  --parked        the parked events (unknown price, no customer…), tried again with today's catalog
  --json          one JSON document on stdout: { events: [...], counts: {...} }

Exit status: 0 every event applied, duplicate or ignored; 1 some are parked (see their reason);
2 usage; 3 some failed (Stripe or MongoDB unreachable; replaying again finishes them).
`;

type Selection = { kind: 'since'; since: Date } | { kind: 'event'; id: string } | { kind: 'parked' };

/** `--help` is the runner's (src/cli/runAdmin.ts), as for every command. */
export function parseReplayArgs(argv: string[], now: Date): { json: boolean; selection: Selection } {
  const flags = parseFlags(argv, {
    since: { type: 'string' },
    event: { type: 'string' },
    parked: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const chosen = [flags.since !== undefined, flags.event !== undefined, flags.parked].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --since, --event or --parked');
  return { json: flags.json, selection: selectionOf(flags, now) };
}

function selectionOf(values: { since?: string; event?: string }, now: Date): Selection {
  if (values.event !== undefined) {
    if (!/^evt_\w+$/.test(values.event)) throw new UsageError(`--event must be a Stripe event id (evt_…), got "${values.event}"`);
    return { kind: 'event', id: values.event };
  }
  if (values.since !== undefined) {
    const since = parseInstant('--since', values.since);
    const earliest = replayWindowStart(now);
    if (since.getTime() < earliest.getTime()) {
      throw new UsageError(
        `--since ${since.toISOString()} is older than Stripe keeps events (${REPLAY_WINDOW_DAYS} days): the earliest is ${earliest.toISOString()}; use reconcile for older gaps`,
      );
    }
    return { kind: 'since', since };
  }
  return { kind: 'parked' };
}

/** `replay`: returns the exit status (0 applied, 1 some parked, 2 usage, 3 some failed or the run failed). */
export async function replayCommand(argv: string[], deps: ReplayCommandDeps): Promise<number> {
  const { io } = deps;
  let parsed: ReturnType<typeof parseReplayArgs>;
  try {
    parsed = parseReplayArgs(argv, deps.clock.now());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`replay: ${error.message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  const { selection, json } = parsed;
  const counts = emptyReplayCounts();
  const out = json ? jsonWriter(io) : textWriter(io);
  try {
    const replayer = await deps.open();
    out.start();
    for await (const event of eventsOf(replayer, selection)) {
      counts[event.status] += 1;
      out.event(event);
    }
  } catch (error) {
    out.end(counts);
    if (error instanceof UsageError) {
      io.stderr.write(`replay: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
  out.end(counts);
  return replayExitCode(counts);
}

async function* eventsOf(replayer: EventReplayer, selection: Selection): AsyncGenerator<ReplayedEvent> {
  if (selection.kind === 'since') yield* replayer.sinceTime(selection.since);
  else if (selection.kind === 'parked') yield* replayer.parked();
  else {
    const event = await replayer.one(selection.id);
    if (!event) throw new Error(`Stripe has no event ${selection.id} (events are kept for ${REPLAY_WINDOW_DAYS} days)`);
    yield event;
  }
}

interface ReplayWriter {
  start(): void;
  event(event: ReplayedEvent): void;
  end(counts: ReplayCounts): void;
}

function summary(counts: ReplayCounts): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts).map(([status, n]) => `${n} ${status}`);
  return `Replayed ${total} event(s): ${parts.join(', ')}.`;
}

/** One line per event as it is applied, then the counts: a long replay shows its progress by itself. */
function textWriter(io: CommandStreams): ReplayWriter {
  return {
    start: () => undefined,
    event: (e) => io.stdout.write(`${e.status.padEnd(9)}  ${e.id}  ${e.type}${e.customer ? `  ${e.customer}` : ''}${e.reason ? `  (${e.reason})` : ''}\n`),
    end: (counts) => io.stdout.write(`${summary(counts)}\n`),
  };
}

/** A JSON document written as the events come, so a 30-day replay is never held in memory. */
function jsonWriter(io: CommandStreams): ReplayWriter {
  let started = false;
  let first = true;
  return {
    start: () => {
      started = true;
      io.stdout.write('{"events":[');
    },
    event: (e) => {
      io.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify(e)}`);
      first = false;
    },
    end: (counts) => {
      if (!started) io.stdout.write('{"events":[');
      io.stdout.write(`\n],"counts":${JSON.stringify(counts)}}\n`);
    },
  };
}
