import request from 'supertest';
import { startHarness } from '../support/harness';

describe('start-up and readiness', () => {
  it('when the service starts on an empty database, then the unique keys and lookups the ledger relies on exist', async () => {
    const h = await startHarness();
    try {
      const indexes = async (collection: string) =>
        (await h.stores.connection.db!.collection(collection).indexes()).map((i) => ({ key: i.key, unique: i.unique === true }));

      expect(await indexes('accounts')).toEqual(
        expect.arrayContaining([
          { key: { nextDueAt: 1, _id: 1 }, unique: false },
          { key: { externalId: 1 }, unique: false },
          { key: { 'topups.paymentIntent': 1 }, unique: false },
          { key: { 'payments.paymentIntent': 1 }, unique: false },
        ]),
      );
      // In this order (the name says it), and the index it replaced is gone (dropped at start-up where it exists).
      const names = (await h.stores.connection.db!.collection('accounts').indexes()).map((i) => i.name);
      expect(names).toContain('nextDueAt_1__id_1');
      expect(names).not.toContain('nextDueAt_1');
      expect(await indexes('account_archive')).toEqual(expect.arrayContaining([{ key: { customer: 1, key: 1 }, unique: true }]));
      expect(await indexes('ledger')).toEqual(
        expect.arrayContaining([{ key: { customer: 1, opKey: 1 }, unique: true }, { key: { customer: 1, seq: -1 }, unique: true }]),
      );
      expect(await indexes('stripe_events')).toEqual(expect.arrayContaining([{ key: { status: 1, created: 1 }, unique: false }]));
    } finally {
      await h.close();
    }
  });

  it('when MongoDB answers, then /readyz is 200; once it is unreachable, 503 while /healthz stays 200', async () => {
    const h = await startHarness();
    const up = await request(h.app).get('/readyz').expect(200);
    expect(up.body).toEqual({ ok: true, mongodb: 'up' });

    await h.close();
    const down = await request(h.app).get('/readyz').expect(503);
    expect(down.body).toEqual({ ok: false, mongodb: 'down' });
    await request(h.app).get('/healthz').expect(200);
  });

  it('when the service starts on a database an older version indexed, then the superseded due-date index is dropped', async () => {
    const first = await startHarness();
    await first.stores.connection.db!.collection('accounts').createIndex({ nextDueAt: 1 }, { name: 'nextDueAt_1' });
    await first.close();

    const again = await startHarness({ uri: first.uri });
    try {
      const names = (await again.stores.connection.db!.collection('accounts').indexes()).map((i) => i.name);
      expect(names).toEqual(expect.arrayContaining(['nextDueAt_1__id_1']));
      expect(names).not.toContain('nextDueAt_1');
    } finally {
      await again.close();
    }
  });
});
