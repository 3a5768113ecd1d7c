import { indexDefinitions } from '../../store/models';
import { shardPlan } from '../../store/shardKeys';
import type { AdminCommand } from '../command';
import { EXIT, UsageError, parseFlags } from '../command';

const USAGE = `Usage: npm run admin -- shard-plan [--database NAME]

Prints the mongosh commands that shard this service's collections on a MongoDB 6.0+ cluster: for each
sharded collection its indexes and sh.shardCollection with its shard key (src/store/shardKeys.ts), and
which collections stay unsharded and why. Changes nothing; run the output in mongosh against a mongos.
See docs/deploying.md.

  --database NAME  the database to shard (default: the one MONGODB_URI names; this connects to read it)
`;

export const shardPlanCommand: AdminCommand = {
  name: 'shard-plan',
  summary: 'print the sh.shardCollection commands and indexes for a sharded cluster (changes nothing)',
  usage: USAGE,
  async run(argv, deps) {
    const flags = parseFlags(argv, { database: { type: 'string' } });
    if (flags.database !== undefined && !/^[^/\\. "$*<>:|?]{1,63}$/.test(flags.database)) {
      throw new UsageError(`--database must be a MongoDB database name (1-63 characters, none of /\\. "$*<>:|?), got "${flags.database}"`);
    }
    const database = flags.database ?? (await deps.open()).stores.connection.db?.databaseName;
    if (!database) throw new UsageError('the connection names no database: pass --database NAME');
    deps.io.stdout.write(shardPlan(database, indexDefinitions()));
    return EXIT.ok;
  },
};
