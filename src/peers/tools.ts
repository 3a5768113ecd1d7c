import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export type PeerTool = 'ferretdb' | 'stripe-mock';

export interface PeerToolPaths {
  ferretdb: string;
  stripeMock: string;
}

/** Root of this project, for callers that have no better idea (src/peers -> ../..). */
export const defaultProjectRoot = resolve(__dirname, '..', '..');

/** The installer failed, e.g. because Go is missing; callers may fall back to something else. */
export class PeerToolsInstallError extends Error {
  override name = 'PeerToolsInstallError';
}

export function peerToolPaths(projectRoot: string): PeerToolPaths {
  const bin = join(projectRoot, '.tools', 'bin');
  return { ferretdb: join(bin, 'ferretdb'), stripeMock: join(bin, 'stripe-mock') };
}

/**
 * Makes sure the peer binaries exist, building the missing ones with scripts/install-peers.sh.
 * `only` limits the work to the tools the caller will actually run, so that e.g. a missing Go
 * toolchain does not matter when the binary it needs is already there.
 */
export async function ensurePeerTools(
  projectRoot: string,
  only: PeerTool[] = ['ferretdb', 'stripe-mock'],
): Promise<PeerToolPaths> {
  const paths = peerToolPaths(projectRoot);
  const pathOf = (tool: PeerTool): string => (tool === 'ferretdb' ? paths.ferretdb : paths.stripeMock);
  const missing: PeerTool[] = [];
  for (const tool of only) {
    if (!(await isExecutable(pathOf(tool)))) missing.push(tool);
  }
  if (missing.length > 0) await runInstaller(projectRoot, missing);
  return paths;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs the installer, echoing its progress (a cold build takes a while) and keeping it for errors. */
function runInstaller(projectRoot: string, tools: PeerTool[]): Promise<void> {
  const script = join(projectRoot, 'scripts', 'install-peers.sh');
  return new Promise((done, fail) => {
    const child = spawn('bash', [script, ...tools], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', (err) => fail(new PeerToolsInstallError(`could not run ${script}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) done();
      else fail(new PeerToolsInstallError(`${script} ${tools.join(' ')} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
