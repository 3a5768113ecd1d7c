import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { AccountService } from '../../src/app/accounts';
import { runDue } from '../../src/app/runDue';
import { emptyAccount } from '../../src/domain/account';
import { AdjustableClock } from '../../src/domain/clock';
import { MongoAccountStore } from '../../src/store/accountStore';
import { MongoLedgerStore } from '../../src/store/ledgerStore';
import { ensureIndexes, registerModels } from '../../src/store/models';
import type { Models } from '../../src/store/models';
import { stripeId } from '../fixtures/stripe';
import { testMongoUri } from '../setup/peers';

let connection: Connection;
let models: Models;
let realTime: AdjustableClock;
let store: MongoAccountStore;

async function commitVersions(customer: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const stored = await store.load(customer);
    const state = { ...emptyAccount(customer), balance: (stored?.version ?? 0) + 1 };
    expect(await store.commit({ expectedVersion: stored?.version ?? null, state, outbox: [], nextDueAt: null })).toBe(true);
  }
}

async function versionsOf(customer: string): Promise<number[]> {
  const docs = await models.AccountVersion.find({ customer }, { version: 1 }).sort({ version: 1 }).lean<{ version: number }[]>().exec();
  return docs.map((d) => d.version);
}

beforeEach(async () => {
  connection = await mongoose.createConnection(testMongoUri(), { autoIndex: false }).asPromise();
  models = registerModels(connection);
  await ensureIndexes(models);
  realTime = new AdjustableClock();
  realTime.set(new Date('2026-11-26T10:00:00Z'));
  store = new MongoAccountStore(models, realTime);
});

afterEach(async () => {
  await connection.close();
});

test('when a crash left the head two versions behind, then load reads the latest version and moves the head forward', async () => {
  const customer = stripeId('cus');
  await commitVersions(customer, 3);
  await models.Account.updateOne({ _id: customer }, { $set: { version: 1 } }).exec();

  const loaded = await store.load(customer);

  expect(loaded?.version).toBe(3);
  expect(loaded?.state.balance).toBe(3);
  expect((await models.Account.findById(customer).lean<{ version: number }>().exec())?.version).toBe(3);
});

test('when the version the head names is gone, then load still finds the latest one', async () => {
  const customer = stripeId('cus');
  await commitVersions(customer, 3);
  await models.Account.updateOne({ _id: customer }, { $set: { version: 1 } }).exec();
  await models.AccountVersion.deleteOne({ _id: `${customer}:1` }).exec();

  expect((await store.load(customer))?.version).toBe(3);
});

test('when a customer has no account, then load answers null without creating anything', async () => {
  const customer = stripeId('cus');

  expect(await store.load(customer)).toBeNull();
  expect(await models.Account.countDocuments({ _id: customer }).exec()).toBe(0);
});

test('when versions were followed by two commits more than ten minutes ago, then pruning deletes them and keeps the recent ones', async () => {
  const customer = stripeId('cus');
  await commitVersions(customer, 5);
  realTime.set(new Date('2026-11-26T10:09:00Z'));
  await commitVersions(customer, 1);
  await store.pruneOldVersions();
  expect(await versionsOf(customer)).toEqual([1, 2, 3, 4, 5, 6]);

  realTime.set(new Date('2026-11-26T10:11:00Z'));
  await commitVersions(customer, 1);
  await store.pruneOldVersions();

  // v1–v3 were each followed by two commits at 10:00; v4 and v5 by v6 at 10:09 and v7 now: too recent.
  expect(await versionsOf(customer)).toEqual([4, 5, 6, 7]);
  expect((await store.load(customer))?.version).toBe(7);
});

test('when commits run, then they never prune; the sweep does', async () => {
  const customer = stripeId('cus');
  await commitVersions(customer, 5);
  realTime.set(new Date('2026-11-26T10:11:00Z'));
  await commitVersions(customer, 1);
  expect(await versionsOf(customer)).toEqual([1, 2, 3, 4, 5, 6]);

  await runDue({ accounts: new AccountService(store, new MongoLedgerStore(models)), store }, new Date('2026-11-26T10:11:00Z'));

  expect(await versionsOf(customer)).toEqual([4, 5, 6]);
});

test('when a commit races with a stale decision, then exactly one version is inserted', async () => {
  const customer = stripeId('cus');
  await commitVersions(customer, 1);
  const state = emptyAccount(customer);

  const results = await Promise.all([1, 2, 3].map(() => store.commit({ expectedVersion: 1, state, outbox: [], nextDueAt: null })));

  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await versionsOf(customer)).toEqual([1, 2]);
});
