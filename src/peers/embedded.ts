import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSecantus } from './secantus';
import { ensurePeerTools } from './tools';

export type Log = (msg: string, fields?: object) => void;

export interface EmbeddedMongo {
  uri: string;
  stop(): Promise<void>;
}

/**
 * A MongoDB-compatible server for local `npm start` without MONGODB_URI: SecantusDB (installed on
 * first use into the project's .tools), keeping its data under <projectRoot>/.data/secantus.
 */
export async function startEmbeddedMongo(options: { projectRoot: string; log: Log }): Promise<EmbeddedMongo> {
  const { projectRoot, log } = options;
  const { secantus } = await ensurePeerTools(projectRoot, ['secantus']);
  const storagePath = join(projectRoot, '.data', 'secantus');
  const server = await startSecantus({ storagePath, bin: secantus });
  log('embedded MongoDB-compatible server started: SecantusDB (WiredTiger) for local use; set MONGODB_URI for anything else', {
    uri: server.uri,
    storagePath,
  });
  return announced(projectRoot, server);
}

const announcement = (projectRoot: string): string => join(projectRoot, '.data', 'embedded.json');

/**
 * The admin CLI must work on the data of a running `npm start`: WiredTiger locks its files, so a second
 * server cannot open them, and the running one says where it listens.
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
