import type { mongo } from 'mongoose';
import { shardKeyOf } from '../../src/store/shardKeys';
import type { ShardKeyPattern } from '../../src/store/shardKeys';

/**
 * What a MongoDB 6.0 mongos refuses on a sharded collection, checked on the commands the service really sends
 * (the driver's command monitoring), against the shard keys of src/store/shardKeys.ts:
 * - an upsert, a findAndModify or a single-document delete without equality on the full shard key;
 * - a single-document update (no upsert) with neither equality on the full shard key nor on `_id`; and,
 *   stricter than mongos, one by `_id` alone where `_id` is not the shard key: legal, but mongos then asks
 *   every shard, on every call;
 * - an insert of a document that lacks a shard-key field (mongos would file it under null);
 * - a unique index whose key does not begin with the shard key.
 * (7.1 relaxed the first rule by broadcasting; the contract holds to 6.0 so both work, and stay targeted.)
 */
export interface Violation {
  collection: string;
  command: string;
  rule: string;
  /** The offending filter, document or index key, as JSON. */
  detail: string;
}

type Doc = Record<string, unknown>;

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An exact value, as mongos extracts a shard key from a filter: a plain value or `{ $eq: value }`. */
function exactValue(value: unknown): boolean {
  if (value === undefined) return false;
  if (!isDoc(value)) return true;
  const keys = Object.keys(value);
  if (keys.some((k) => k.startsWith('$'))) return keys.length === 1 && keys[0] === '$eq' && exactValue(value.$eq);
  // A BSON value (ObjectId, Date, Binary…) or an embedded document compared whole.
  return true;
}

/** Equality on `field`, at the top of the filter or inside a top-level `$and`. */
function hasEquality(filter: Doc, field: string): boolean {
  if (field in filter && exactValue(filter[field])) return true;
  const and = filter.$and;
  return Array.isArray(and) && and.some((part) => isDoc(part) && hasEquality(part, field));
}

function namesFullShardKey(filter: Doc, key: ShardKeyPattern): boolean {
  return Object.keys(key).every((field) => hasEquality(filter, field));
}

/** An index key as the driver sends it: a plain object, or a Map (mongoose keeps the fields' order that way). */
function indexFields(indexKey: unknown): string[] | null {
  if (indexKey instanceof Map) return [...indexKey.keys()].map(String);
  return isDoc(indexKey) ? Object.keys(indexKey) : null;
}

function prefixedBy(fields: string[], key: ShardKeyPattern): boolean {
  return Object.keys(key).every((field, i) => fields[i] === field);
}

function fieldOf(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((at, part) => (isDoc(at) ? at[part] : undefined), doc);
}

/** The violations in one command as the driver sends it (the `commandStarted` event's `command`). */
export function violationsOf(name: string, command: Doc): Violation[] {
  const collection = command[name];
  if (typeof collection !== 'string') return [];
  const key = shardKeyOf(collection);
  if (!key) return [];
  const found: Violation[] = [];
  const refuse = (rule: string, detail: unknown): void => {
    found.push({ collection, command: name, rule, detail: JSON.stringify(detail) });
  };
  switch (name) {
    case 'update':
      for (const statement of Array.isArray(command.updates) ? command.updates : []) {
        if (!isDoc(statement) || !isDoc(statement.q)) continue;
        if (statement.upsert === true) {
          if (!namesFullShardKey(statement.q, key)) refuse('an upsert must name the full shard key', statement.q);
        } else if (statement.multi !== true && !namesFullShardKey(statement.q, key)) {
          refuse(
            hasEquality(statement.q, '_id')
              ? 'a single-document update by _id alone is sent to every shard: name the shard key'
              : 'a single-document update must name the shard key or _id',
            statement.q,
          );
        }
      }
      break;
    case 'delete':
      for (const statement of Array.isArray(command.deletes) ? command.deletes : []) {
        if (isDoc(statement) && isDoc(statement.q) && statement.limit === 1 && !namesFullShardKey(statement.q, key)) {
          refuse('a single-document delete must name the full shard key', statement.q);
        }
      }
      break;
    case 'findAndModify': {
      const query = isDoc(command.query) ? command.query : {};
      if (!namesFullShardKey(query, key)) refuse('a findAndModify must name the full shard key', query);
      break;
    }
    case 'insert':
      for (const doc of Array.isArray(command.documents) ? command.documents : []) {
        if (isDoc(doc) && Object.keys(key).some((field) => fieldOf(doc, field) === undefined)) {
          refuse('an inserted document must hold every shard-key field', { _id: doc._id });
        }
      }
      break;
    case 'createIndexes':
      for (const index of Array.isArray(command.indexes) ? command.indexes : []) {
        const fields = isDoc(index) ? indexFields(index.key) : null;
        if (isDoc(index) && index.unique === true && fields && !prefixedBy(fields, key)) {
          refuse('a unique index must begin with the shard key', fields);
        }
      }
      break;
  }
  return found;
}

const recorded: Violation[] = [];

/**
 * Records every violation a client's commands make, from now on. The harness installs it on each service it
 * starts (test/support/harness.ts); test/setup/shardKeyContract.ts fails the test file that made any.
 */
export function watchShardKeys(client: mongo.MongoClient): () => void {
  const listener = (event: mongo.CommandStartedEvent): void => {
    recorded.push(...violationsOf(event.commandName, event.command));
  };
  client.on('commandStarted', listener);
  return () => client.off('commandStarted', listener);
}

/** What was recorded in this test file so far, and forgets it. */
export function takeViolations(): Violation[] {
  return recorded.splice(0, recorded.length);
}

export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.command} on ${v.collection}: ${v.rule}: ${v.detail}`).join('\n');
}
