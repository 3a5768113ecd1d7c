import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { MongoAccountStore } from './accountStore';
import { MongoEventStore } from './eventStore';
import { MongoLedgerStore } from './ledgerStore';
import { openCollections } from './models';
import type { WrapCollection } from './models';
import { UnsupportedServerError, unsupportedServerReason } from './serverCheck';
import type { AccountStore, EventStore, LedgerStore, Ping } from '../app/ports';

export interface Stores {
  accounts: AccountStore;
  ledger: LedgerStore;
  events: EventStore;
  health: Ping;
  connection: Connection;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** Lets a test stand between the store and the driver (crash injection, round-trip counts). */
  wrapCollection?: WrapCollection;
  /** The driver's command monitoring (round-trip counts in tests and the bench). */
  monitorCommands?: boolean;
}

/** Connects, refuses a server whose updates are not atomic, and ensures every index before anything is served. */
export async function openStores(uri: string, options: OpenStoresOptions = {}): Promise<Stores> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    autoIndex: false,
    autoCreate: true,
    monitorCommands: options.monitorCommands ?? false,
  });
  await connection.asPromise();
  try {
    const buildInfo = await connection.db?.admin().command({ buildInfo: 1 });
    const reason = unsupportedServerReason(buildInfo ?? {});
    if (reason) throw new UnsupportedServerError(`MongoDB server refused: ${reason}`);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const collections = await openCollections(connection, options.wrapCollection);
  return {
    accounts: new MongoAccountStore(collections),
    ledger: new MongoLedgerStore(collections),
    events: new MongoEventStore(collections),
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
    connection,
    close: () => connection.close(),
  };
}
