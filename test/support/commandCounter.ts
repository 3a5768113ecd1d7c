import type { Connection } from 'mongoose';

/** Commands that carry data, as opposed to the driver's own handshakes, heartbeats and session upkeep. */
const DATA_COMMANDS = new Set(['find', 'getMore', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'count', 'distinct']);

export interface CommandCount {
  /** Commands started since the last reset, by name (`find`, `update`…) and by collection. */
  commands(): { name: string; collection: string }[];
  total(): number;
  writes(): number;
  reset(): void;
  stop(): void;
}

/**
 * Counts round trips with the MongoDB driver's command monitoring (the connection must be opened with
 * `monitorCommands: true`): what a path costs, as the server sees it.
 */
export function countCommands(connection: Connection): CommandCount {
  const seen: { name: string; collection: string }[] = [];
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (!DATA_COMMANDS.has(event.commandName)) return;
    const target = event.command[event.commandName];
    seen.push({ name: event.commandName, collection: typeof target === 'string' ? target : '' });
  };
  client.on('commandStarted', listener);
  return {
    commands: () => [...seen],
    total: () => seen.length,
    writes: () => seen.filter((c) => ['insert', 'update', 'delete', 'findAndModify'].includes(c.name)).length,
    reset: () => {
      seen.length = 0;
    },
    stop: () => {
      client.off('commandStarted', listener);
    },
  };
}
