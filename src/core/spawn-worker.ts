/**
 * @module core/spawn-worker
 * Starts a worker thread on a module next to the caller. The built package (`dist/`) runs the
 * `.js` entry directly; under tsx/vitest (sources are `.ts`) the worker registers tsx's loader
 * before importing its `.ts` entry.
 * @example
 * const w = spawnWorker(import.meta.url, './train-worker', { workerData: { … } });
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `entry` is relative to `callerUrl` and has no extension (`./train-worker`). */
export function spawnWorker(callerUrl: string, entry: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, callerUrl), options);
  const require = createRequire(callerUrl);
  const tsx = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const url = new URL(`${entry}.ts`, callerUrl).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(code, { ...options, eval: true });
}
