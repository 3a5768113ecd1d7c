import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './freePort';
import { spawnPeer } from './spawnPeer';
import { defaultProjectRoot, peerToolPaths } from './tools';

export interface FerretDbOptions {
  /** Directory holding the SQLite files; created if missing. */
  dataDir: string;
  port?: number;
  /** Path of the ferretdb binary; defaults to this project's .tools/bin/ferretdb. */
  bin?: string;
}

export interface RunningMongo {
  uri: string;
  stop(): Promise<void>;
}

/**
 * Runs FerretDB (a MongoDB wire-protocol server) on SQLite. Note that FerretDB v1 has no
 * multi-document transactions, so code run against it must not depend on them.
 */
export async function startFerretDb(options: FerretDbOptions): Promise<RunningMongo> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  // FerretDB requires a file: URL naming an existing directory, with a trailing slash.
  const sqliteUrl = pathToFileURL(dataDir).href.replace(/\/?$/, '/');
  const peer = await spawnPeer({
    name: 'ferretdb',
    command: options.bin ?? peerToolPaths(defaultProjectRoot).ferretdb,
    args: [
      '--handler=sqlite',
      `--sqlite-url=${sqliteUrl}`,
      `--listen-addr=127.0.0.1:${port}`,
      // Keep its state.json beside the data rather than in whatever the working directory is.
      `--state-dir=${dataDir}`,
      // No debug/metrics HTTP listener: its fixed default port would clash between instances.
      '--debug-addr=-',
      '--telemetry=disable',
      // Warnings include one per connection our readiness probe opens and drops.
      '--log-level=error',
    ],
    port,
  });
  return { uri: `mongodb://127.0.0.1:${port}`, stop: peer.stop };
}
