import type { Connection } from 'mongoose';

/** Commands that carry data, as opposed to the driver's own handshakes, heartbeats and session upkeep. */
const DATA_COMMANDS = new Set(['find', 'getMore', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'count', 'distinct']);

export interface CountedCommand {
  name: string;
  collection: string;
  /** Part of copying an outbox to the ledger, which runs after the write that filled it, off the request's path. */
  copy: boolean;
  /** A read of majority-committed data only (readConcern majority). */
  majority: boolean;
}

export interface CommandCount {
  /** Commands started since the last reset, by name (`find`, `update`…) and by collection. */
  commands(): CountedCommand[];
  /** Commands a request waits for: all but the background copies. */
  waited(): number;
  total(): number;
  writes(): number;
  reset(): void;
  stop(): void;
}

/** The copy is an insert into the ledger followed by a `$pull` of the copied entries from the account's outbox. */
function isCopy(name: string, collection: string, command: Record<string, unknown>): boolean {
  if (name === 'insert') return collection === 'ledger';
  if (name !== 'update' || collection !== 'accounts') return false;
  const updates = command.updates;
  return Array.isArray(updates) && updates.some((u: unknown) => typeof u === 'object' && u !== null && 'u' in u && typeof u.u === 'object' && u.u !== null && '$pull' in u.u);
}

/**
 * Counts round trips with the MongoDB driver's command monitoring (the connection must be opened with
 * `monitorCommands: true`): what a path costs, as the server sees it.
 */
export function countCommands(connection: Connection): CommandCount {
  const seen: CountedCommand[] = [];
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (!DATA_COMMANDS.has(event.commandName)) return;
    const target = event.command[event.commandName];
    const collection = typeof target === 'string' ? target : '';
    const readConcern = event.command.readConcern;
    const majority = typeof readConcern === 'object' && readConcern !== null && 'level' in readConcern && readConcern.level === 'majority';
    seen.push({ name: event.commandName, collection, copy: isCopy(event.commandName, collection, event.command), majority });
  };
  client.on('commandStarted', listener);
  return {
    commands: () => [...seen],
    total: () => seen.length,
    waited: () => seen.filter((c) => !c.copy).length,
    writes: () => seen.filter((c) => ['insert', 'update', 'delete', 'findAndModify'].includes(c.name)).length,
    reset: () => {
      seen.length = 0;
    },
    stop: () => {
      client.off('commandStarted', listener);
    },
  };
}
