import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { MongoAccountStore } from './accountStore';
import { MongoEventStore } from './eventStore';
import { MongoLedgerStore } from './ledgerStore';
import { ensureIndexes, registerModels } from './models';
import type { AccountStore, EventStore, LedgerStore, Ping } from '../app/ports';
// Billing-page links (SPEC §8): a collection of their own, wired here and nowhere else in this folder.
import type { BillingSessionStore } from '../app/billingSessions';
import { MongoBillingSessionStore } from './billingSessions';

export interface Stores {
  accounts: AccountStore;
  ledger: LedgerStore;
  events: EventStore;
  health: Ping;
  billingSessions: BillingSessionStore;
  connection: Connection;
  close(): Promise<void>;
}

export async function openStores(uri: string): Promise<Stores> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000, autoIndex: false, autoCreate: true });
  await connection.asPromise();
  const models = registerModels(connection);
  await ensureIndexes(models);
  const billingSessions = await MongoBillingSessionStore.open(connection);
  return {
    accounts: new MongoAccountStore(models),
    ledger: new MongoLedgerStore(models),
    events: new MongoEventStore(models),
    health: {
      ping: async () => {
        try {
          await connection.db?.admin().ping();
          return connection.readyState === 1;
        } catch {
          return false;
        }
      },
    },
    billingSessions,
    connection,
    close: () => connection.close(),
  };
}
