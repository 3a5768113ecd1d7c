import { customerOfSignal } from '../../src/store/signalStore';
import { violationsOf } from '../support/shardKeyContract';

/** The contract's rules, on command documents shaped as the driver sends them (its command monitoring). */
const rules = (name: string, command: Record<string, unknown>): string[] => violationsOf(name, command).map((v) => v.rule);

describe('the shard-key contract checker', () => {
  it.each([
    ['an upsert by _id alone on the archive (what ArchiveStore.put sent before issue 16)', 'update', { update: 'account_archive', updates: [{ q: { _id: 'cus_1|term:x', fromVersion: { $lt: 3 } }, u: { $set: {} }, upsert: true }] }, ['an upsert must name the full shard key']],
    ['an upsert naming the customer', 'update', { update: 'account_archive', updates: [{ q: { _id: 'cus_1|term:x', customer: 'cus_1', fromVersion: { $lt: 3 } }, u: { $set: {} }, upsert: true }] }, []],
    ['an upsert naming the customer by $in', 'update', { update: 'account_archive', updates: [{ q: { customer: { $in: ['cus_1'] } }, u: { $set: {} }, upsert: true }] }, ['an upsert must name the full shard key']],
    ['an upsert naming the customer inside $and', 'update', { update: 'ledger', updates: [{ q: { $and: [{ customer: { $eq: 'cus_1' } }, { seq: 2 }] }, u: { $set: {} }, upsert: true }] }, []],
    ['a findAndModify by _id alone (signals retry before issue 16)', 'findAndModify', { findAndModify: 'signals', query: { _id: 'cus_1:signal:1' }, update: {} }, ['a findAndModify must name the full shard key']],
    ['a findAndModify naming the customer', 'findAndModify', { findAndModify: 'signals', query: { _id: 'cus_1:signal:1', customer: 'cus_1' }, update: {} }, []],
    ['a single update by neither key nor _id', 'update', { update: 'signals', updates: [{ q: { status: 'pending' }, u: { $set: {} } }] }, ['a single-document update must name the shard key or _id']],
    ['a single update by _id where _id is not the key', 'update', { update: 'signals', updates: [{ q: { _id: 'x' }, u: { $set: {} } }] }, ['a single-document update by _id alone is sent to every shard: name the shard key']],
    ['a single update by _id where _id is the (hashed) key', 'update', { update: 'accounts', updates: [{ q: { _id: 'cus_1', version: 4 }, u: { $set: {} } }] }, []],
    ['a multi update by anything', 'update', { update: 'signals', updates: [{ q: { status: 'pending' }, u: { $set: {} }, multi: true }] }, []],
    ['a single delete without the key', 'delete', { delete: 'ledger', deletes: [{ q: { _id: 'cus_1:1' }, limit: 1 }] }, ['a single-document delete must name the full shard key']],
    ['a delete of many', 'delete', { delete: 'ledger', deletes: [{ q: { at: { $lt: new Date(0) } }, limit: 0 }] }, []],
    ['an insert without the key field', 'insert', { insert: 'ledger', documents: [{ _id: 'cus_1:1', seq: 1 }] }, ['an inserted document must hold every shard-key field']],
    ['a unique index not prefixed by the key', 'createIndexes', { createIndexes: 'ledger', indexes: [{ key: { opKey: 1, customer: 1 }, name: 'x', unique: true }] }, ['a unique index must begin with the shard key']],
    ['a unique index with its key as a Map (as mongoose sends it)', 'createIndexes', { createIndexes: 'account_archive', indexes: [{ key: new Map([['key', 1], ['customer', 1]]), name: 'x', unique: true }] }, ['a unique index must begin with the shard key']],
    ['a unique index prefixed by the key', 'createIndexes', { createIndexes: 'ledger', indexes: [{ key: { customer: 1, opKey: 1 }, name: 'x', unique: true }] }, []],
    ['anything on a collection left unsharded', 'delete', { delete: 'billing_sessions', deletes: [{ q: { expiresAt: { $lt: new Date(0) } }, limit: 1 }] }, []],
  ])('%s', (_what, name, command, expected) => {
    expect(rules(name, command)).toEqual(expected);
  });
});

describe('the customer of a signal id, which every write of a signal names', () => {
  it.each([
    ['cus_1:signal:7', 'cus_1'],
    ['odd:signal:name:signal:12', 'odd:signal:name'],
    ['cus_1:signal:', null],
    ['cus_1:signal:x', null],
    [':signal:1', null],
    ['nothing', null],
  ])('%s → %s', (id, customer) => {
    expect(customerOfSignal(id)).toBe(customer);
  });
});
