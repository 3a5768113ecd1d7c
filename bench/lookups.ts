import type { Connection } from 'mongoose';

/**
 * How the database answers the store's two kinds of reads as a collection grows: by `_id` (every hot
 * path of src/store/accountStore.ts) and by another field (the ledger's opKey lookup, pages, findDue).
 * On MongoDB both are index lookups; FerretDB v1 on SQLite scans, so the figures grow with the size.
 */
export async function benchLookups(connection: Connection, write: (line: string) => void): Promise<void> {
  const sizes = [250, 4000];
  const perSize: { byId: number; byField: number; updateById: number }[] = [];
  for (const size of sizes) {
    const collection = connection.collection<{ _id: string; customer: string; pad: string }>(`bench_lookups_${size}`);
    await collection.insertMany(Array.from({ length: size }, (_, i) => ({ _id: `cus_${i}`, customer: `cus_${i}`, pad: 'x'.repeat(1000) })));
    // The last documents inserted: a scan has to read everything before them.
    const target = (i: number): string => `cus_${size - 1 - i}`;
    const byId = await perOp(20, (i) => collection.findOne({ _id: target(i) }));
    const byField = await perOp(20, (i) => collection.findOne({ customer: target(i) }));
    const updateById = await perOp(20, (i) => collection.updateOne({ _id: target(i) }, { $set: { touched: i } }));
    perSize.push({ byId, byField, updateById });
    write(`${`lookups in a collection of ${size}`.padEnd(52)} by _id ${byId.toFixed(1)} ms   by field ${byField.toFixed(1)} ms   update by _id ${updateById.toFixed(1)} ms\n`);
    await collection.drop();
  }
  const [small, large] = perSize;
  if (small && large) {
    const growth = (sizes[1] ?? 1) / (sizes[0] ?? 1);
    write(`  collection ${growth}× larger: by _id ${(large.byId / small.byId).toFixed(1)}×, by field ${(large.byField / small.byField).toFixed(1)}×, update ${(large.updateById / small.updateById).toFixed(1)}× slower\n`);
    write(`  by field / by _id at ${sizes[1]} documents: ${(large.byField / large.byId).toFixed(1)}×\n`);
  }
}

async function perOp(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  return (performance.now() - t0) / count;
}
