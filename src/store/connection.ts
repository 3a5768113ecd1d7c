import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { MongoAccountStore } from './accountStore';
import type { StoreOptions } from './accountStore';
import type { Logger } from '../logger';
import { MongoEventStore } from './eventStore';
import { MongoLedgerStore } from './ledgerStore';
import { openCollections } from './models';
import type { WrapCollection } from './models';
import { UnsupportedServerError, unsupportedServerReason } from './serverCheck';
import type { AccountStore, EventStore, LedgerStore, Ping, SignalQueue } from '../app/ports';
import { MongoSignalQueue } from './signalStore';

export interface Stores {
  accounts: AccountStore;
  ledger: LedgerStore;
  events: EventStore;
  signals: SignalQueue;
  health: Ping;
  connection: Connection;
  /** Resolves once the background copies of outboxes to the ledger started so far are done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** Lets a test stand between the store and the driver (crash injection, round-trip counts). */
  wrapCollection?: WrapCollection;
  /** The driver's command monitoring (round-trip counts in tests and the bench). */
  monitorCommands?: boolean;
  /** Told when a background copy of an outbox to the ledger fails (it is tried again later). */
  onCopyFailed?: StoreOptions['onCopyFailed'];
}

/** Logs a failed background copy loudly: the entries stay with the account, and check-ledger shows why it cannot copy them. */
export function copyFailureLogger(logger: Logger): NonNullable<StoreOptions['onCopyFailed']> {
  return ({ customer, error }) => logger.error({ customer, err: error }, 'copying ledger entries failed; the account keeps them and the next write tries again');
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
  const accounts = new MongoAccountStore(collections, options.onCopyFailed ? { onCopyFailed: options.onCopyFailed } : {});
  return {
    accounts,
    ledger: new MongoLedgerStore(collections),
    events: new MongoEventStore(collections),
    signals: new MongoSignalQueue(collections),
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
    idle: () => accounts.idle(),
    close: async () => {
      await accounts.idle();
      await connection.close();
    },
  };
}
