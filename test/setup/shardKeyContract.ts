import { describeViolations, takeViolations } from '../support/shardKeyContract';

/**
 * Every test file: a command the service sent that a MongoDB 6.0 mongos would refuse (or send to every shard)
 * fails the test that sent it. The harness watches each service it starts (test/support/harness.ts).
 */
function failOnViolations(): void {
  const found = takeViolations();
  if (found.length > 0) {
    throw new Error(`commands that break the shard-key contract (src/store/shardKeys.ts):\n${describeViolations(found)}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);
