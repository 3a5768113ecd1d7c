import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { freePort } from './freePort';
import { spawnPeer } from './spawnPeer';
import { defaultProjectRoot, peerToolPaths } from './tools';

export interface SecantusOptions {
  /** WiredTiger home directory, created if missing and reopened intact; ':memory:' for a scratch server. */
  storagePath: string;
  port?: number;
  /** Path of secantusd-py; defaults to this project's .tools/secantus venv. */
  bin?: string;
  /**
   * A one-member replica set (`secantus`) instead of a standalone server: drivers then use sessions,
   * retryable writes, majority write and read concern, and see `replSetStepDown`. The tests run this way.
   */
  replicaSet?: boolean;
  /** mongod's test-only commands (`configureFailPoint`), for failure injection; never for a server others reach. */
  testCommands?: boolean;
}

/** The replica-set name SecantusDB advertises when it runs as a one-member set. */
export const SECANTUS_REPLICA_SET = 'secantus';

export interface RunningMongo {
  uri: string;
  stop(): Promise<void>;
  /** Sends a signal to the server process (tests pause it with SIGSTOP to play a frozen database). */
  signal(signal: NodeJS.Signals): void;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Runs SecantusDB: MongoDB's wire protocol over WiredTiger, with atomic conditional updates and unique
 * indexes. By default with `--standalone`, so drivers see a standalone server, like a lone `mongod` (the
 * embedded server of `npm start`); with `replicaSet` as a one-member replica set, as the tests run it.
 * Neither lets anything here come to rely on what only a replica set offers (multi-document transactions,
 * change streams): the code never asks for them.
 */
export async function startSecantus(options: SecantusOptions): Promise<RunningMongo> {
  const storagePath = options.storagePath === ':memory:' ? ':memory:' : resolve(options.storagePath);
  if (storagePath !== ':memory:') await mkdir(storagePath, { recursive: true });
  if (options.port !== undefined) return startOn(options, storagePath, options.port);
  // A port found free can be taken by another process before the server binds it (on a busy machine the
  // port then answers, but not as SecantusDB): such a start fails at once and is made again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(options, storagePath, await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

const PORT_ATTEMPTS = 3;

class PortTakenError extends Error {}

async function startOn(options: SecantusOptions, storagePath: string, port: number): Promise<RunningMongo> {
  const peer = await spawnPeer({
    name: 'secantusd',
    command: options.bin ?? peerToolPaths(defaultProjectRoot).secantus,
    args: [
      ...['--host', '127.0.0.1', '--port', String(port), '--storage-path', storagePath, '--log-level', 'WARNING'],
      ...(options.replicaSet ? [] : ['--standalone']),
      ...(options.testCommands ? ['--enable-test-commands'] : []),
    ],
    port,
    timeoutMs: READY_TIMEOUT_MS,
  }).catch((error: unknown) => {
    // Another process bound the port first.
    if (error instanceof Error && error.message.includes('Address already in use')) throw new PortTakenError(error.message);
    throw error;
  });
  const uri = options.replicaSet ? `mongodb://127.0.0.1:${port}/?replicaSet=${SECANTUS_REPLICA_SET}` : `mongodb://127.0.0.1:${port}`;
  try {
    const died = peer.exited.then((reason) => {
      throw new PortTakenError(`SecantusDB stopped before answering ping on 127.0.0.1:${port}: ${reason}`);
    });
    // Settled either way: once the server answered, its later exit (a stop) is nobody's error.
    died.catch(() => undefined);
    await Promise.race([untilPingAnswers(uri, performance.now() + READY_TIMEOUT_MS), died]);
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return { uri, stop: peer.stop, signal: peer.signal };
}

/** The port opens before the storage engine is ready: the server counts as up once `ping` answers. */
async function untilPingAnswers(uri: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 2000, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (performance.now() > deadline) throw new Error(`SecantusDB at ${uri} did not answer ping: ${String(error)}`, { cause: error });
    } finally {
      await client.close();
    }
    await sleep(100);
  }
}
