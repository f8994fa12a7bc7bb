/**
 * @module bench/engine-unique
 * In-process cost of the unique flood (issue 17): `Engine.process` with the default detectors (or none:
 * `--bare`) and an in-memory SQLite store over N random unique lines (six random words, as
 * bench/memory.bench.ts makes them) in batches of 1000. Every line makes a new template, so the miner
 * runs at its template cap and every checkpoint upserts thousands of templates. Prints µs of CPU per
 * line (process CPU, steadier than wall time on a shared machine). Point it at two checkouts to A/B:
 *
 *   npx tsx bench/engine-unique.ts /tmp/base --lines 200000 ; npx tsx bench/engine-unique.ts . --lines 200000
 */
import { join, resolve } from 'node:path';
import { uniqueLines } from './unique-lines.js';

const root = resolve(process.argv[2] ?? '.');
const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('--lines', 200_000);
const bare = process.argv.includes('--bare');
const { Engine } = await import(join(root, 'src/topology/engine.ts'));
const { openStore } = await import(join(root, 'src/store/index.ts'));
const { buildDetectors } = await import(join(root, 'src/config/registry.ts'));
const { validate } = await import(join(root, 'src/config/load.ts'));
const { serveConfigSchema } = await import(join(root, 'src/config/schema.ts'));
const { systemClock } = await import(join(root, 'src/core/clock.ts'));

let seed = 7;
const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const lines = uniqueLines(N, r);
const config = validate({ data_dir: '/tmp/anomalog-engine-unique', sources: [{ type: 'http' }] }, serveConfigSchema);
const store = openStore(':memory:', { clock: systemClock });
const abort = new AbortController();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = (id: string) => ({ id, logger: quiet, clock: systemClock, signal: abort.signal, checkpoints: store.checkpoints, models: store });
const source = { id: 'http', run: async () => {}, ack() {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
const detectors = bare ? [] : buildDetectors(config.detectors, ctx);
const engine = new Engine({ sources: [source], detectors, store, anomalies: store, clock: systemClock, parserOptions: () => ({}), checkpointMs: 1000 });
const t0 = process.cpuUsage();
const w0 = Date.now();
for (let b = 0; b < N; b += 1000) {
  const records = [];
  for (let i = b; i < Math.min(N, b + 1000); i++) records.push({ source: 'http', text: lines[i], arrivalTs: Date.now() });
  await engine.process(source, { records });
}
const t = process.cpuUsage(t0);
const cpuS = (t.user + t.system) / 1e6;
console.log(JSON.stringify({ root, bare, lines: N, anomalies: engine.stats.anomalies, cpuS, wallS: (Date.now() - w0) / 1e3, usPerLine: +((cpuS * 1e6) / N).toFixed(2) }));
store.close();
