/**
 * @module bench/peers-venv
 * Locates the Python peers' venv (bench/peers/.venv) and creates it with bench/peers/setup.sh when missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of bench/peers/ (with a trailing slash). */
export const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));

/** The venv's python, after making sure it can import `module` (runs the idempotent setup.sh if not). */
export function ensurePeersVenv(module = 'drain3'): string {
  const python = `${PEERS_DIR}.venv/bin/python`;
  if (existsSync(python) && spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) return python;
  console.error('Setting up the Python peers venv: bash bench/peers/setup.sh');
  const r = spawnSync('bash', [`${PEERS_DIR}setup.sh`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('Could not set up bench/peers/.venv. Run `bash bench/peers/setup.sh` (needs python3 ≥ 3.8 and PyPI access).');
    process.exit(1);
  }
  return python;
}
