/**
 * @module test/harness/service-child
 * A real service in a child process (through tsx), for kill -9 tests: start it, read the URL it
 * prints as its first stdout line, and SIGKILL it. Children still running when a test file ends
 * are killed by `killAll`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServiceChild {
  child: ChildProcess;
  url: string;
}

const running: ChildProcess[] = [];

/** Starts `script` (a path under the repository) with `args`; resolves once it printed `{ "url": … }`. */
export async function startServiceChild(script: string, args: readonly string[]): Promise<ServiceChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  running.push(child);
  const rl = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('The service child did not start within 30 s.')), 30_000);
    rl.once('line', (l) => {
      clearTimeout(t);
      resolve((JSON.parse(l) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`The service child exited (${code}) before listening.`)));
  });
  return { child, url };
}

/** SIGKILL, and wait until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Kills every child this file started that is still running (for `afterAll`). */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
