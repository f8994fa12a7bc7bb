/**
 * @module bench/built-cli
 * What the user-path benches share: the repository root, `--name value` options, and running the
 * built CLI (`bin/anomalog.js`; build first with `npm run build` or `npx tsc -p tsconfig.build.json`)
 * as a user would.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The value after `--name` on the command line, or `dflt`. */
export function option(name: string, dflt: string, args: readonly string[] = process.argv.slice(2)): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}

/** Runs `anomalog ARGV…` with the built CLI; its stdout (throws with its stderr when it fails). */
export function cli(argv: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/anomalog.js'), ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`anomalog ${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
