import mongoose from 'mongoose';
import type { Connection, mongo } from 'mongoose';
import { MongoAccountStore } from './accountStore';
import type { StoreOptions } from './accountStore';
import type { Logger } from '../logger';
import { MongoEventStore } from './eventStore';
import { openCollections } from './models';
import type { WrapCollection } from './models';
import { UnsupportedServerError, unsupportedConnectionReason, unsupportedServerReason } from './serverCheck';
import type { AccountStore, BillingSessionStore, EventStore, Ping, SignalQueue } from '../app/ports';
import { MongoSignalQueue } from './signalStore';
// Billing-page links (SPEC §8): a collection of their own, wired here and nowhere else in this folder.
import { MongoBillingSessionStore } from './billingSessions';

export interface Stores {
  accounts: AccountStore;
  events: EventStore;
  signals: SignalQueue;
  health: Ping;
  billingSessions: BillingSessionStore;
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
  /** Given the driver's client before any command is sent (index creation included), with command monitoring on. */
  watchCommands?: (client: mongo.MongoClient) => void;
  /** Told when a background copy of an outbox to the ledger fails (it is tried again later). */
  onCopyFailed?: StoreOptions['onCopyFailed'];
}

/**
 * How long a write waits for a majority to have it before it fails as `unavailable` ("not known to be done"):
 * under the requests' 4.5 s deadline (src/http/deadline.ts), so a replica set that lost its majority frees the
 * account's queue then instead of at the 20 s socket timeout. The write itself may still become durable.
 */
export const WRITE_CONCERN_TIMEOUT_MS = 4000;

/**
 * An answered 201 must survive the database crashing a moment later: a write is acknowledged once it is in
 * the journal (and, on a replica set, on a majority, so a failover cannot roll it back). With the driver's
 * default (w: 1, j: false) a killed mongod or SecantusDB loses about the last 100 ms of acknowledged writes;
 * measured on SecantusDB, journaling costs no throughput (group commit). A connection string that sets `w`,
 * `journal` or `wtimeoutMS` itself is obeyed (docs/deploying.md).
 */
export function durableWrites(uri: string): { writeConcern?: { w: 'majority'; journal: true; wtimeoutMS: number } } {
  const query = new URLSearchParams(uri.split('?')[1] ?? '');
  const chosen = ['w', 'journal', 'j', 'wtimeoutMS'].some((name) => [...query.keys()].some((key) => key.toLowerCase() === name.toLowerCase()));
  return chosen ? {} : { writeConcern: { w: 'majority', journal: true, wtimeoutMS: WRITE_CONCERN_TIMEOUT_MS } };
}

const SELECTION_TIMEOUT_MS = 2000;
const SOCKET_TIMEOUT_MS = 20_000;
/** /readyz must answer within 2 s even when the database does not. */
const PING_TIMEOUT_MS = 1500;

async function pingWithin(connection: Connection, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const ping = (async () => {
    try {
      await connection.db?.admin().ping();
      return connection.readyState === 1;
    } catch {
      return false;
    }
  })();
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Logs a failed background copy loudly: the entries stay with the account, and check-ledger shows why it cannot copy them. */
export function copyFailureLogger(logger: Logger): NonNullable<StoreOptions['onCopyFailed']> {
  return ({ customer, error }) => logger.error({ customer, err: error }, 'copying ledger entries failed; the account keeps them and the next write tries again');
}

/** Connects, refuses a server whose updates are not atomic, and ensures every index before anything is served. */
export async function openStores(uri: string, options: OpenStoresOptions = {}): Promise<Stores> {
  const refusal = unsupportedConnectionReason(uri);
  if (refusal) throw new UnsupportedServerError(refusal);
  const connection = mongoose.createConnection(uri, {
    // A database that stops answering (paused, partitioned) must not hold work forever: a socket silent for
    // SOCKET_TIMEOUT_MS fails its operation (long enough for a sweep's bulk write on a slow server), and a
    // server that cannot be reached fails selection after SELECTION_TIMEOUT_MS. Requests are answered
    // within 4.5 s regardless (src/http/deadline.ts).
    serverSelectionTimeoutMS: SELECTION_TIMEOUT_MS,
    connectTimeoutMS: SELECTION_TIMEOUT_MS,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    // Said explicitly: every read is of the primary (a connection string asking otherwise is refused above).
    readPreference: 'primary',
    autoIndex: false,
    autoCreate: true,
    monitorCommands: (options.monitorCommands ?? false) || options.watchCommands !== undefined,
    ...durableWrites(uri),
  });
  options.watchCommands?.(connection.getClient());
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
  const billingSessions = await MongoBillingSessionStore.open(connection);
  return {
    accounts,
    events: new MongoEventStore(collections),
    signals: new MongoSignalQueue(collections),
    health: { ping: () => pingWithin(connection, PING_TIMEOUT_MS) },
    billingSessions,
    connection,
    idle: () => accounts.idle(),
    close: async () => {
      await accounts.idle();
      await connection.close();
    },
  };
}
