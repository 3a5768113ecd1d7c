/**
 * The shard key of every collection, in one place (SPEC §7, "Replica sets and sharded clusters, for real").
 * The store's writes are written to obey mongos's rules as of MongoDB 6.0 for these keys, the integration
 * suites check every command they send against them (test/support/shardKeyContract.ts), and the store
 * README's table and `npm run admin -- shard-plan` are printed from them.
 */

export type ShardKeyPattern = Readonly<Record<string, 1 | 'hashed'>>;

export interface ShardedCollection {
  /** The collection's name in the database. */
  collection: string;
  key: ShardKeyPattern;
  /** Why this key: which operations name it. */
  why: string;
}

export interface UnshardedCollection {
  collection: string;
  why: string;
}

/**
 * Hashed `_id` where every write names the document by `_id` and no unique index other than `_id` exists
 * (writes spread over shards whatever the ids look like); a range on `customer` where a unique index must be
 * prefixed by the shard key (`(customer, opKey)`, `(customer, seq)`, `(customer, key)`).
 */
export const SHARDED: readonly ShardedCollection[] = [
  { collection: 'accounts', key: { _id: 'hashed' }, why: 'one document per customer (`_id`); every read and conditional update names it' },
  {
    collection: 'ledger',
    key: { customer: 1 },
    why: "a customer's entries together: pages, key lookups and copies name the customer; unique `(customer, opKey)` and `(customer, seq)`",
  },
  { collection: 'account_archive', key: { customer: 1 }, why: "a customer's settled records; unique `(customer, key)`, upserts name `customer`" },
  { collection: 'signals', key: { customer: 1 }, why: "a customer's signals are delivered in order; lease, finish and retry name `customer`" },
  { collection: 'stripe_events', key: { _id: 'hashed' }, why: 'one document per event id; recorded, read and finished by `_id`' },
];

export const UNSHARDED: readonly UnshardedCollection[] = [
  {
    collection: 'billing_sessions',
    why: 'billing-page links live a day (kept another, then pruned): a few documents per active customer, read by `_id` only',
  },
];

export function shardKeyOf(collection: string): ShardKeyPattern | null {
  return SHARDED.find((s) => s.collection === collection)?.key ?? null;
}

function keyText(key: ShardKeyPattern): string {
  const fields = Object.entries(key).map(([field, kind]) => `${field}: ${kind === 'hashed' ? '"hashed"' : kind}`);
  return `{ ${fields.join(', ')} }`;
}

/** The store README's table (src/store/README.md, between its shard-key markers; a test keeps them equal). */
export function shardKeyTable(): string {
  const rows = [
    '| collection | shard key | why |',
    '|---|---|---|',
    ...SHARDED.map((s) => `| \`${s.collection}\` | \`${keyText(s.key)}\` | ${s.why} |`),
    ...UNSHARDED.map((u) => `| \`${u.collection}\` | unsharded | ${u.why} |`),
  ];
  return `${rows.join('\n')}\n`;
}

export interface IndexDefinition {
  collection: string;
  key: Record<string, unknown>;
  options: Record<string, unknown>;
}

/**
 * The mongosh commands that shard a database's collections: each index the service relies on (it creates
 * them at start-up too; here so that a shard key's index exists before sharding a collection that has data),
 * then `sh.shardCollection`. Collections left unsharded are named with the reason.
 */
export function shardPlan(database: string, indexes: readonly IndexDefinition[]): string {
  const db = JSON.stringify(database);
  const lines = [
    `// Shard plan for database ${db} (src/store/shardKeys.ts). Run in mongosh connected to a mongos of MongoDB 6.0 or newer.`,
    `// Every operation of the service names these keys as mongos requires; see docs/deploying.md.`,
    `sh.enableSharding(${db});`,
  ];
  for (const sharded of SHARDED) {
    lines.push('', `// ${sharded.collection}: ${sharded.why.replaceAll('`', '')}`);
    for (const index of indexes.filter((i) => i.collection === sharded.collection)) {
      const options = Object.keys(index.options).length > 0 ? `, ${JSON.stringify(index.options)}` : '';
      lines.push(`db.getSiblingDB(${db}).getCollection(${JSON.stringify(sharded.collection)}).createIndex(${JSON.stringify(index.key)}${options});`);
    }
    if (Object.values(sharded.key).includes('hashed')) {
      lines.push(`db.getSiblingDB(${db}).getCollection(${JSON.stringify(sharded.collection)}).createIndex(${JSON.stringify(sharded.key)});`);
    }
    lines.push(`sh.shardCollection(${JSON.stringify(`${database}.${sharded.collection}`)}, ${JSON.stringify(sharded.key)});`);
  }
  lines.push('');
  for (const unsharded of UNSHARDED) lines.push(`// ${unsharded.collection} stays unsharded: ${unsharded.why.replaceAll('`', '')}`);
  return `${lines.join('\n')}\n`;
}
