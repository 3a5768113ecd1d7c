import mongoose from 'mongoose';
import { stripeMockUrl, testMongoUri } from '../setup/peers';

describe('test peers', () => {
  it('serves a MongoDB-compatible database with working unique indexes', async () => {
    const conn = await mongoose.createConnection(testMongoUri()).asPromise();
    try {
      const Thing = conn.model('Thing', new mongoose.Schema({ key: { type: String, unique: true }, n: Number }));
      await Thing.init(); // builds the unique index before inserting

      await Thing.create({ key: 'a', n: 1 });
      expect(await Thing.findOne({ key: 'a' }).lean()).toMatchObject({ key: 'a', n: 1 });
      await expect(Thing.create({ key: 'a', n: 2 })).rejects.toMatchObject({ code: 11000 });
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  it('serves stripe-mock', async () => {
    const res = await fetch(`${stripeMockUrl()}/v1/customers`, {
      headers: { Authorization: 'Bearer sk_test_123' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'list' });
  });
});
