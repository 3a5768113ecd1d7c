import { mkdir } from 'node:fs/promises';
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
    return { ...server, kind: 'ferretdb' };
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
    return memoryServer;
  }
  throw new Error(
    'MONGODB_URI is not set and no embedded MongoDB-compatible server is available. ' +
      'Set MONGODB_URI to a MongoDB server, or install Go 1.24+ so FerretDB can be built.\n' +
      String(installError),
  );
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
