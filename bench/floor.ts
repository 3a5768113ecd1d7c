import type { Connection, mongo } from 'mongoose';

/**
 * The floor: the fewest raw driver operations each effect needs, on the same server, at the same
 * concurrency, on collections of the same size — what the service's paths are measured against.
 * A debit: one conditional update plus one ledger insert. An invoice.paid: event insert, account update,
 * ledger insert. A balance read: one find. The sweep: per batch, one bulk of conditional updates plus one
 * insert of the entries.
 */

interface FloorAccount {
  _id: string;
  balance: number;
  version: number;
  nextDueAt: Date;
  /** Makes a floor account as large as the service's own account documents. */
  pad: string;
}

interface FloorEntry {
  _id: string;
  customer: string;
  seq: number;
  opKey: string;
  amount: number;
  at: Date;
}

export interface Floor {
  /** Floor accounts padded to `bytes`, the size of the service's account documents. */
  seed(customers: string[], bytes: number): Promise<void>;
  debit(customer: string, key: string): Promise<void>;
  /** `payload`: the event as JSON text, as the service keeps it (the HTTP floor passes the body it received). */
  ingest(customer: string, eventId: string, payload?: string): Promise<void>;
  read(customer: string): Promise<void>;
  sweep(customers: string[], batch: number): Promise<void>;
}

/** `name` prefixes the floor's collections, so two floors (the driver's, the HTTP floor's) each start empty. */
export async function floorOn(connection: Connection, name = 'floor'): Promise<Floor> {
  const db = connection.db;
  if (!db) throw new Error('not connected');
  const accounts: mongo.Collection<FloorAccount> = db.collection(`${name}_accounts`);
  const ledger: mongo.Collection<FloorEntry> = db.collection(`${name}_ledger`);
  const events: mongo.Collection<{ _id: string; type: string; payload: string }> = db.collection(`${name}_events`);
  await ledger.createIndex({ customer: 1, opKey: 1 }, { unique: true });
  await accounts.createIndex({ nextDueAt: 1, _id: 1 });
  let seq = 0;
  let pad = '';
  const entry = (customer: string, opKey: string, amount: number): FloorEntry => {
    seq += 1;
    return { _id: `${customer}:${seq}`, customer, seq, opKey, amount, at: new Date() };
  };
  return {
    async seed(customers, bytes) {
      pad = 'x'.repeat(Math.max(0, bytes - 100));
      for (let i = 0; i < customers.length; i += 1000) {
        const page = customers.slice(i, i + 1000);
        await accounts.insertMany(page.map((c) => ({ _id: c, balance: 5000, version: 1, nextDueAt: new Date('2026-02-15T00:00:00Z'), pad })));
      }
    },
    async debit(customer, key) {
      const done = await accounts.updateOne({ _id: customer, balance: { $gte: 1 } }, { $inc: { balance: -1, version: 1 } });
      if (done.matchedCount !== 1) throw new Error('floor debit found no credits');
      await ledger.insertOne(entry(customer, `debit:${key}`, -1));
    },
    async ingest(customer, eventId, payload = '{}') {
      await events.insertOne({ _id: eventId, type: 'invoice.paid', payload });
      await accounts.updateOne({ _id: customer }, { $inc: { balance: 5000, version: 1 }, $setOnInsert: { pad } }, { upsert: true });
      await ledger.insertOne(entry(customer, `grant:${eventId}`, 5000));
    },
    async read(customer) {
      // The very documents the service reads: a balance read's floor is one find of the account.
      if (!(await db.collection<{ _id: string }>('accounts').findOne({ _id: customer }))) throw new Error('floor read found nothing');
    },
    async sweep(customers, batch) {
      for (let i = 0; i < customers.length; i += batch) {
        const page = customers.slice(i, i + batch);
        await accounts.bulkWrite(
          page.map((c) => ({ updateOne: { filter: { _id: c, version: { $gte: 0 } }, update: { $inc: { version: 1 }, $set: { nextDueAt: new Date('2026-03-15T00:00:00Z') } } } })),
          { ordered: false },
        );
        await ledger.insertMany(page.map((c) => entry(c, `grant:slot:${c}:2026-02-15`, 5000)), { ordered: false });
      }
    },
  };
}
