import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export type PeerTool = 'secantus' | 'stripe-mock';

export interface PeerToolPaths {
  /** SecantusDB's server launcher, inside the project's git-ignored Python venv. */
  secantus: string;
  stripeMock: string;
}

/** Root of this project, for callers that have no better idea (src/peers -> ../..). */
export const defaultProjectRoot = resolve(__dirname, '..', '..');

/** The installer failed, e.g. because Python or Go is missing. */
export class PeerToolsInstallError extends Error {
  override name = 'PeerToolsInstallError';
}

export function peerToolPaths(projectRoot: string): PeerToolPaths {
  const tools = join(projectRoot, '.tools');
  return { secantus: join(tools, 'secantus', 'bin', 'secantusd-py'), stripeMock: join(tools, 'bin', 'stripe-mock') };
}

/**
 * Makes sure the peers exist at the versions scripts/install-peers.sh pins, installing or upgrading
 * the ones that are not. The script is the one place that knows the versions, and answers in a few
 * milliseconds when everything is current. `only` limits the work to the tools the caller will run,
 * so that e.g. a missing Go toolchain does not matter to `npm start`.
 */
export async function ensurePeerTools(projectRoot: string, only: PeerTool[] = ['secantus', 'stripe-mock']): Promise<PeerToolPaths> {
  if (only.length > 0) await runInstaller(projectRoot, only);
  return peerToolPaths(projectRoot);
}

/** Runs the installer, echoing its progress (a first install takes a while) and keeping it for errors. */
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
