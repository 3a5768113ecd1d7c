import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFerretDb } from './ferretdb';
import { ensurePeerTools, PeerToolsInstallError } from './tools';

export type Log = (msg: string, fields?: object) => void;

export interface EmbeddedMongo {
  uri: string;
  stop(): Promise<void>;
  kind: 'ferretdb' | 'mongodb-memory-server';
}

/**
 * A MongoDB-compatible server for local `npm start` without MONGODB_URI, keeping its data under
 * <projectRoot>/.data. FerretDB (built on demand) is preferred; if it cannot be built, typically
 * because Go is missing, mongodb-memory-server is used when the developer happens to have it.
 */
export async function startEmbeddedMongo(options: { projectRoot: string; log: Log }): Promise<EmbeddedMongo> {
  const { projectRoot, log } = options;
  let installError: unknown;
  try {
    const { ferretdb } = await ensurePeerTools(projectRoot, ['ferretdb']);
    const dataDir = join(projectRoot, '.data', 'ferretdb');
    const server = await startFerretDb({ dataDir, bin: ferretdb });
    log('embedded MongoDB-compatible server started: FerretDB on SQLite (no transactions); set MONGODB_URI to use a real MongoDB', {
      uri: server.uri,
      dataDir,
    });
    return announced(projectRoot, { ...server, kind: 'ferretdb' });
  } catch (err) {
    if (!(err instanceof PeerToolsInstallError)) throw err;
    installError = err;
  }

  const memoryServer = await startMemoryServer(projectRoot);
  if (memoryServer) {
    log('embedded MongoDB server started: mongodb-memory-server (FerretDB could not be built)', {
      uri: memoryServer.uri,
      reason: String(installError),
    });
    return announced(projectRoot, memoryServer);
  }
  throw new Error(
    'MONGODB_URI is not set and no embedded MongoDB-compatible server is available. ' +
      'Set MONGODB_URI to a MongoDB server, or install Go 1.24+ so FerretDB can be built.\n' +
      String(installError),
  );
}

const announcement = (projectRoot: string): string => join(projectRoot, '.data', 'embedded.json');

/**
 * The admin CLI must work on the data of a running `npm start`: a second server process on the same
 * files could not see the first one's writes in time, so the running one says where it listens.
 */
async function announced(projectRoot: string, server: EmbeddedMongo): Promise<EmbeddedMongo> {
  const file = announcement(projectRoot);
  await writeFile(file, JSON.stringify({ uri: server.uri, pid: process.pid }));
  return {
    ...server,
    stop: async () => {
      await rm(file, { force: true });
      await server.stop();
    },
  };
}

/** The URI of the embedded server a live `npm start` of this project announced, if any. */
export async function runningEmbeddedUri(projectRoot: string): Promise<string | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(announcement(projectRoot), 'utf8'));
  } catch {
    return null; // none, or half-written by a server that is starting
  }
  if (typeof parsed !== 'object' || parsed === null || !('uri' in parsed) || !('pid' in parsed)) return null;
  const { uri, pid } = parsed;
  if (typeof uri !== 'string' || typeof pid !== 'number') return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
  } catch {
    return null;
  }
  return uri;
}

interface MemoryServerModule {
  MongoMemoryServer: {
    create(options: object): Promise<{ getUri(): string; stop(options?: object): Promise<unknown> }>;
  };
}

/** Optional fallback: not a dependency of this project, so it is only used when already installed. */
async function startMemoryServer(projectRoot: string): Promise<EmbeddedMongo | undefined> {
  let entry: string;
  try {
    entry = require.resolve('mongodb-memory-server', { paths: [projectRoot] });
  } catch {
    return undefined;
  }
  const mod: MemoryServerModule = await import(pathToFileURL(entry).href);
  const dbPath = join(projectRoot, '.data', 'mongodb');
  await mkdir(dbPath, { recursive: true });
  const server = await mod.MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
  return {
    uri: server.getUri(),
    // Keep the data directory: it is the developer's local database, not a scratch copy.
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
    kind: 'mongodb-memory-server',
  };
}
