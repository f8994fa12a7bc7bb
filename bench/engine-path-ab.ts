/**
 * @module bench/engine-path-ab
 * One side of an A/B of the engine path an HTTP batch takes on the worker host: the wire (encode →
 * structured clone → decode) then `Engine.process` with the default detectors and an in-memory SQLite
 * store, over 240 batches of 1000 raw Loghub 2k lines (one source per system, cycled; the first 24
 * batches warm up). Prints lines per CPU-second of this process — on a loaded shared machine far
 * steadier than wall time. Point it at two checkouts and alternate them in one sitting:
 *
 *   for i in $(seq 8); do for t in /tmp/base "$PWD" "$PWD attrs"; do npx tsx bench/engine-path-ab.ts $t; done; done
 *
 * `attrs` gives every record transport attributes (one object per batch, as a Loki stream's labels).
 * `fleet` runs the engine as worker 0 of two sharing a fleet board (topology/fleet-board.ts: input
 * positions, runs split where the order breaks, the shared novelty fleet); the other worker is idle,
 * so this is the board's own cost, with no wait.
 * Data: ../shared/datasets/loghub (or `--dataset DIR`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const withAttrs = process.argv[3] === 'attrs';
const withFleet = process.argv[3] === 'fleet';
const di = process.argv.indexOf('--dataset');
const ds = di > 0 ? process.argv[di + 1] : join(root, '../shared/datasets/loghub');
const { Engine } = await import(join(root, 'src/topology/engine.ts'));
const { encodeBatch, decodeBatch } = await import(join(root, 'src/topology/engine-wire.ts'));
const { openStore } = await import(join(root, 'src/store/index.ts'));
const { buildDetectors } = await import(join(root, 'src/config/registry.ts'));
const { validate } = await import(join(root, 'src/config/load.ts'));
const { serveConfigSchema } = await import(join(root, 'src/config/schema.ts'));
const { systemClock } = await import(join(root, 'src/core/clock.ts'));

const corpus = readdirSync(ds)
  .filter((d) => {
    try {
      readFileSync(join(ds, d, `${d}_2k.log`));
      return true;
    } catch {
      return false;
    }
  })
  .map((s) => ({ s, lines: readFileSync(join(ds, s, `${s}_2k.log`), 'utf8').split('\n').filter(Boolean) }));
if (corpus.length === 0) throw new Error(`No Loghub 2k logs under ${ds}: pass --dataset DIR.`);
const config = validate({ data_dir: '/tmp/anomalog-engine-ab', sources: [{ type: 'http' }] }, serveConfigSchema);
const store = openStore(':memory:', { clock: systemClock });
const abort = new AbortController();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const board = withFleet ? (await import(join(root, 'src/topology/fleet-board.ts'))).FleetBoard.create(2, config.detectors.novelty.max_fleet_templates) : undefined;
const mine = board?.constructor.attach(board.buffers, 0);
const ctx = (id: string) => ({ id, logger: quiet, clock: systemClock, signal: abort.signal, checkpoints: store.checkpoints, models: store, ...(mine ? { fleet: mine } : {}) });
const source = { id: 'http', run: async () => {}, ack() {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
const engine = new Engine({ sources: [source], detectors: buildDetectors(config.detectors, ctx), store, anomalies: store, clock: systemClock, parserOptions: () => ({}), checkpointMs: 1000, ...(mine ? { order: mine } : {}) });
/** As engine-worker.ts runs a part: counted as posted, numbered, done. */
const processPart = async (b: number, batch: unknown) => {
  board?.posting([0]);
  mine?.part(b + 1, undefined);
  await engine.process(source, batch);
  mine?.partDone();
};
const batches = [];
for (let b = 0; b < 240; b++) {
  const { s, lines } = corpus[b % corpus.length];
  const attrs = withAttrs ? { service_name: s, pod: `${s}-0` } : undefined;
  const records = [];
  for (let i = 0; i < 1000; i++) records.push({ source: `http:${s}`, text: lines[(b * 1000 + i) % lines.length], arrivalTs: Date.now(), ...(attrs ? { attrs } : {}) });
  batches.push({ records });
}
for (let b = 0; b < 24; b++) await processPart(b, decodeBatch(structuredClone(encodeBatch(batches[b]))));
const t0 = process.cpuUsage();
let n = 0;
for (let b = 24; b < batches.length; b++) {
  await processPart(b, decodeBatch(structuredClone(encodeBatch(batches[b]))));
  n += batches[b].records.length;
}
const t = process.cpuUsage(t0);
const cpuS = (t.user + t.system) / 1e6;
console.log(JSON.stringify({ root, withAttrs, withFleet, anomalies: engine.stats.anomalies, lines: n, cpuS, linesPerCpuS: Math.round(n / cpuS) }));
store.close();
