import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { startSecantus } from '../../src/peers/secantus';
import type { RunningMongo } from '../../src/peers/secantus';

/**
 * A SecantusDB of a test file's own, as a one-member replica set with mongod's test commands: failpoints
 * (`configureFailPoint failCommand`) and `replSetStepDown` act on the whole server, so they must not reach
 * the suite's shared one. They are not scoped by appName: under jest the driver's handshake metadata
 * serializes empty (a Map from another realm), so the server never learns the client's name. The test's
 * own admin client only sends configureFailPoint and replSetStepDown, which no failpoint here matches.
 */
export interface FaultServer {
  /** A connection string for a fresh database. */
  uri(): string;
  /** Arms `failCommand` on `command`: it lets `skip` of them through, then fails the next `times`. */
  failCommand(input: { command: string; skip: number; times: number; data: Record<string, unknown> }): Promise<void>;
  /** Disarms every failpoint. */
  clear(): Promise<void>;
  /** `replSetStepDown` with `force`: for `seconds` the node is a secondary and refuses writes (10107). */
  stepDown(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const running: RunningMongo = await startSecantus({ storagePath: ':memory:', replicaSet: true, testCommands: true });
  const [hosts, query] = running.uri.split('/?');
  const admin: mongo.MongoClient = new mongoose.mongo.MongoClient(`${hosts}/?${query}&appName=fault-admin`, { serverSelectionTimeoutMS: 20_000 });
  await admin.connect();
  const command = (doc: mongo.Document) => admin.db('admin').command(doc);
  return {
    uri: () => `${hosts}/t_${randomBytes(6).toString('hex')}?${query}`,
    failCommand: async ({ command: name, skip, times, data }) => {
      await command({ configureFailPoint: 'failCommand', mode: { skip, times }, data: { ...data, failCommands: [name] } });
    },
    clear: async () => {
      await command({ configureFailPoint: 'failCommand', mode: 'off' });
    },
    stepDown: async (seconds) => {
      await command({ replSetStepDown: seconds, force: true });
    },
    stop: async () => {
      await admin.close();
      await running.stop();
    },
  };
}
