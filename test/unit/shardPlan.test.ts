import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runAdmin } from '../../src/cli/runAdmin';
import { systemClock } from '../../src/domain/clock';
import { indexDefinitions } from '../../src/store/models';
import { SHARDED, UNSHARDED, shardKeyTable, shardPlan } from '../../src/store/shardKeys';
import { violationsOf } from '../support/shardKeyContract';

const storeReadme = readFileSync(resolve(__dirname, '..', '..', 'src', 'store', 'README.md'), 'utf8');
const deployingGuide = readFileSync(resolve(__dirname, '..', '..', 'docs', 'deploying.md'), 'utf8');

describe('the shard-key map (src/store/shardKeys.ts) and what is derived from it', () => {
  it("when the store README's table is read, then it is exactly the map's", () => {
    const between = /<!-- shard-keys:begin[^>]*-->\n([\s\S]*?)<!-- shard-keys:end -->/.exec(storeReadme);
    expect(between?.[1]).toBe(shardKeyTable());
  });

  it("when docs/deploying.md shows the shard plan for a database named credits, then it is what the command prints", () => {
    const shown = /```js\n(\/\/ Shard plan for database "credits"[\s\S]*?)```/.exec(deployingGuide);
    expect(shown?.[1]).toBe(shardPlan('credits', indexDefinitions()));
  });

  it('when every index the service creates is checked against the map, then each unique one begins with its shard key', () => {
    const violations = indexDefinitions().flatMap((index) =>
      violationsOf('createIndexes', { createIndexes: index.collection, indexes: [{ key: index.key, name: 'i', ...index.options }] }),
    );
    expect(violations).toEqual([]);
    // And the check would see one that does not (a unique index on opKey alone).
    expect(violationsOf('createIndexes', { createIndexes: 'ledger', indexes: [{ key: { opKey: 1 }, name: 'i', unique: true }] })).toHaveLength(1);
  });

  it('when the shard plan is printed, then it shards every mapped collection on its key after creating its indexes, and names the unsharded ones', () => {
    const plan = shardPlan('credits', indexDefinitions());
    for (const sharded of SHARDED) {
      const shard = plan.indexOf(`sh.shardCollection("credits.${sharded.collection}", ${JSON.stringify(sharded.key)});`);
      expect({ collection: sharded.collection, sharded: shard >= 0 }).toEqual({ collection: sharded.collection, sharded: true });
      for (const index of indexDefinitions().filter((i) => i.collection === sharded.collection)) {
        const created = plan.indexOf(`getCollection("${sharded.collection}").createIndex(${JSON.stringify(index.key)}`);
        expect({ index: index.key, beforeSharding: created >= 0 && created < shard }).toEqual({ index: index.key, beforeSharding: true });
      }
    }
    for (const unsharded of UNSHARDED) expect(plan).toContain(`// ${unsharded.collection} stays unsharded:`);
    expect(plan).toContain('createIndex({"_id":"hashed"})');
  });

  it('when an operator runs `admin -- shard-plan --database credits`, then it prints the plan without opening the database', async () => {
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true, isTTY: false } };
    const code = await runAdmin(['shard-plan', '--database', 'credits'], {
      io,
      clock: systemClock,
      open: () => Promise.reject(new Error('the plan must not need the database')),
    });
    expect(code).toBe(0);
    expect(stdout).toBe(shardPlan('credits', indexDefinitions()));
  });

  it('when the database name is not one MongoDB allows, then it is a usage error naming --database', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t), isTTY: false } };
    const code = await runAdmin(['shard-plan', '--database', 'a/b'], { io, clock: systemClock, open: () => Promise.reject(new Error('unused')) });
    expect(code).toBe(2);
    expect(stderr).toContain('--database must be a MongoDB database name');
  });
});
