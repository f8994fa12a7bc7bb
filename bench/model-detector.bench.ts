/**
 * @module bench/model-detector
 * Costs of the streaming `model` detector:
 * 1. `observe` throughput (the per-event path: counting) on the HDFS content sample cycled with
 *    seeded Poisson arrivals (~1000 lines/s of event time), batches of 1000.
 * 2. Training time per model kind, and the cost of scoring one closed window (+ explaining it), on a realistic reservoir: 2000 windows of one source with ~150
 *    templates (Zipf-like rates), vocabulary capped at 300 — the work the worker thread does.
 * 3. Snapshot cost with a full reservoir (200 windows written, the default `snapshot_windows`).
 * 4. What a worker training costs the pipeline thread: posting the reservoir (structured clone)
 *    and, when the model comes back, loading it and saving it in the SQLite registry.
 * Usage: `npx tsx bench/model-detector.bench.ts [events] [kinds]` (kinds: if,pca,ae,ocsvm,ensemble).
 */
import { createModelDetector, TrainedModel, trainWindows, WorkerTrainer, type ModelKind } from '../src/detectors/model/index.js';
import { openStore } from '../src/store/index.js';
import type { ClosedCounts } from '../src/features/count-windows.js';
import { batches, EventFactory, hdfsReplay, rng } from '../test/harness/log-streams.js';

const total = Number(process.argv[2] ?? 1_000_000);
const kinds = (process.argv[3] ?? 'if,pca,ae,ocsvm,ensemble').split(',') as ModelKind[];
const events = hdfsReplay(new EventFactory(), { count: total, meanGapMs: 1 });
const chunks = batches(events, 1000);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function observeRate(): void {
  const best: number[] = [];
  let windows = 0;
  for (let rep = 0; rep < 3; rep++) {
    const d = createModelDetector({ train_in: 'inline', window_seconds: 10, min_windows: 10_000 });
    const t = performance.now();
    for (const b of chunks) d.observe(b);
    best.push(total / ((performance.now() - t) / 1000));
    windows = d.stats().windows;
  }
  best.sort((a, b) => a - b);
  console.log(`observe (counting, windows closing): ${fmt(best[2])} events/s (best of 3; median ${fmt(best[1])}), ${windows} windows closed`);
}

/** One source: 2000 windows over ~150 templates with Zipf-like rates (±30 % noise). */
function reservoir(): ClosedCounts[] {
  const r = rng(7);
  const out: ClosedCounts[] = [];
  for (let k = 0; k < 2000; k++) {
    const ids: number[] = [];
    const counts: number[] = [];
    let events = 0;
    for (let t = 0; t < 150; t++) {
      const mean = 2000 / (t + 1);
      const n = mean >= 1 ? Math.round(mean * (0.7 + 0.6 * r())) : r() < mean ? 1 : 0;
      if (n > 0) {
        ids.push(t);
        counts.push(n);
        events += n;
      }
    }
    out.push({ key: 'window', start: k * 60_000, end: (k + 1) * 60_000, ids, counts, events, errors: Math.round(events * 0.01 * r()), warns: 0 });
  }
  return out;
}

console.log(`${fmt(total)} events, node ${process.version}`);
observeRate();

const windows = reservoir();
for (const model of kinds) {
  const t = performance.now();
  const a = trainWindows({ source: 'bench', version: 1, windows, model, seed: 42, max_vocabulary: 300, threshold: { method: 'spot', q: 1e-3, level: 0.98, contamination: 0.01 } });
  const ms = performance.now() - t;
  const m = TrainedModel.fromArtifact(a);
  const s0 = performance.now();
  for (const w of windows) m.score(w, 4);
  const scoreUs = ((performance.now() - s0) * 1000) / windows.length;
  const e0 = performance.now();
  for (let i = 0; i < 100; i++) m.explain(windows[i], new Map(), 5);
  const explainUs = ((performance.now() - e0) * 1000) / 100;
  console.log(
    `train ${model.padEnd(8)} ${fmt(ms).padStart(7)} ms on ${windows.length} windows × ${a.training.columns} columns; artifact ${fmt(JSON.stringify(a).length / 1024)} KiB; score ${scoreUs.toFixed(0)} µs/window, explain ${explainUs.toFixed(0)} µs`,
  );
}

const d = createModelDetector({ train_in: 'inline', window_seconds: 1, min_windows: 10_000, reservoir_size: 2000 });
for (const b of chunks) d.observe(b);
const t = performance.now();
let bytes = 0;
for (let i = 0; i < 20; i++) bytes = JSON.stringify(d.snapshot()).length;
console.log(`snapshot (${d.stats().windows} windows seen, 200 written): ${((performance.now() - t) / 20).toFixed(2)} ms, ${fmt(bytes / 1024)} KiB`);

{
  const trainer = new WorkerTrainer(600_000);
  const threshold = { method: 'spot', q: 1e-3, level: 0.98, contamination: 0.01 } as const;
  const job = { source: 'bench', version: 1, windows, model: 'if' as ModelKind, seed: 42, max_vocabulary: 300, threshold };
  const store = openStore(':memory:');
  // The second round shows the steady state (the first one starts the worker).
  for (let round = 1; round <= 2; round++) {
    const t0 = performance.now();
    const pending = trainer.train({ ...job, version: round });
    const postMs = performance.now() - t0;
    const { artifact, ms } = await pending;
    const t1 = performance.now();
    TrainedModel.fromArtifact(artifact);
    store.saveModel({ id: `bench:v${round}`, kind: 'bench', version: round, artifact });
    const installMs = performance.now() - t1;
    console.log(`worker training (if), round ${round}: pipeline thread ${postMs.toFixed(1)} ms to post, ${installMs.toFixed(1)} ms to load + save; ${ms} ms in the worker`);
  }
  trainer.close();
  store.close();
}
