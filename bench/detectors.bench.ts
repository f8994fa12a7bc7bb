/**
 * @module bench/detectors
 * Throughput of the streaming detectors (novelty, rate, params, and all three) on the HDFS content
 * sample (Loghub, test/fixtures/logs) mined once and cycled with seeded Poisson arrivals (~1000
 * lines/s of event time), in batches of 1000. Usage: `npx tsx bench/detectors.bench.ts [events]`.
 */
import type { StreamDetector } from '../src/core/detector.js';
import { createNovelty } from '../src/detectors/novelty/index.js';
import { createParams } from '../src/detectors/params/index.js';
import { createRate } from '../src/detectors/rate/index.js';
import { batches, EventFactory, hdfsReplay } from '../test/harness/log-streams.js';

const total = Number(process.argv[2] ?? 1_000_000);
const events = hdfsReplay(new EventFactory(), { count: total, meanGapMs: 1 });
const chunks = batches(events, 1000);

function run(name: string, make: () => StreamDetector[]): void {
  const best: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const ds = make();
    let found = 0;
    const t = performance.now();
    for (const b of chunks) for (const d of ds) found += d.observe(b).length;
    for (const d of ds) found += d.tick(events[events.length - 1].ts).length;
    best.push(total / ((performance.now() - t) / 1000));
    if (rep === 2) console.log(`${name.padEnd(8)} ${Math.round(Math.max(...best)).toLocaleString('en-US').padStart(12)} events/s (best of 3; median ${Math.round(best.sort((a, b) => a - b)[1]).toLocaleString('en-US')}), ${found} anomalies`);
  }
}

console.log(`${total.toLocaleString('en-US')} events, node ${process.version}`);
run('novelty', () => [createNovelty()]);
run('rate', () => [createRate()]);
run('params', () => [createParams()]);
run('all', () => [createNovelty(), createRate(), createParams()]);
