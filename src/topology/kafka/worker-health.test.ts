/**
 * `anomalog worker`'s health (`stats().status`, `warnings`): a record source of its partitions in
 * flood mode (the miner's flood guard) makes it `degraded` with the warning serve's /api/health
 * gives, read from the partition engines the worker holds — and by the partition's next owner,
 * since the guard's state is in the checkpoint. Without a broker: the worker's own batches reach
 * the same `PartitionEngine`s (worker.test.ts runs the worker on a real broker).
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../config/schema.js';
import { type Logger, silentLogger } from '../../core/component.js';
import type { KafkaRecordIn } from '../../sources/kafka/records.js';
import { randomLines } from '../../../test/harness/rng.js';
import { floodWarnings } from '../serve-checks.js';
import { PartitionEngine } from './partition.js';
import { workerHealth } from './worker-options.js';

/** Records of `key`, offsets from `first`: random lines, every one a new message type. */
const randomRecords = (key: string, n: number, first: number, seed: number) => randomLines(n, seed).map((l, i) => record(key, l, first + i));

function record(key: string, line: string, offset: number): KafkaRecordIn {
  return { key: Buffer.from(key), value: Buffer.from(line), timestamp: String(1_796_000_000_000 + offset), offset: String(offset) };
}

const calmRecords = (key: string, n: number, first: number) => Array.from({ length: n }, (_, i) => record(key, `request ${i} served in ${i % 89} ms`, first + i));

function partition(p: number, o: { floodGuard?: boolean; logger?: Logger; restored?: Buffer } = {}): PartitionEngine {
  const config = validate({ parser: { flood_guard: o.floodGuard ?? true } }, serveConfigSchema) as ServeConfig;
  return new PartitionEngine({ config, topic: 'logs', partition: p, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 4096, logger: o.logger ?? silentLogger, restored: o.restored });
}

describe('anomalog worker health: a flood of new message types in a partition', () => {
  it('is degraded with the warning serve gives (no metric names), logged once, and ok again when the flood ends', async () => {
    const warned: { msg: string; source?: unknown }[] = [];
    const e = partition(0, { logger: { debug() {}, info() {}, error() {}, warn: (msg, f) => warned.push({ msg, source: f?.source }) } });
    const calm = partition(1);
    await calm.process(calmRecords('web', 500, 0));
    expect(workerHealth([e, calm])).toEqual({ status: 'ok', warnings: [] });
    await e.process(randomRecords('spam', 4000, 0, 7));
    const floods = e.engine.flooding!();
    expect(floods.map((f) => f.source)).toEqual(['spam']);
    const h = workerHealth([e, calm]);
    expect(h.status).toBe('degraded');
    // The same text as serve's warning for this source, minus the metric it points to.
    expect(h.warnings).toEqual(floodWarnings(floods, { metrics: false }));
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(new RegExp(`^spam: flood of new message types — ${floods[0].overflowLines} lines matched no template and were not mined`));
    expect(floods[0].overflowLines).toBeGreaterThan(1000);
    expect(h.warnings[0]).toContain('parser.flood_guard: false');
    expect(h.warnings[0]).not.toContain('anomalog_miner');
    expect(floodWarnings(floods)[0]).toContain('anomalog_miner_overflow_lines_total');
    // The worker's log (stderr) says it once, naming the source.
    expect(warned.filter((w) => w.msg.includes('new message type'))).toEqual([{ msg: expect.any(String), source: 'spam' }]);
    await e.process(calmRecords('spam', 3000, 4000));
    expect(workerHealth([e, calm])).toEqual({ status: 'ok', warnings: [] });
    e.close();
    calm.close();
  }, 60_000);

  it("names each flooding source of all its partitions; the partition's next owner reports it as the source's records come again", async () => {
    const a = partition(0);
    const b = partition(1);
    await a.process(randomRecords('spam-a', 3000, 0, 1));
    await b.process(randomRecords('spam-b', 3000, 0, 2));
    expect(workerHealth([a, b]).warnings.map((w) => w.slice(0, w.indexOf(':')))).toEqual(['spam-a', 'spam-b']);
    const cp = b.checkpoint()!;
    b.close();
    const next = partition(1, { restored: cp.state });
    // Its parser is restored when its source's records come again (the state holds the guard's).
    await next.process(randomRecords('spam-b', 20, cp.next, 3));
    expect(workerHealth([next])).toMatchObject({ status: 'degraded', warnings: [expect.stringMatching(/^spam-b: flood of new message types/)] });
    a.close();
    next.close();
  }, 60_000);

  it('stays ok under the same flood with parser.flood_guard: false (every line mined)', async () => {
    const e = partition(0, { floodGuard: false });
    await e.process(randomRecords('spam', 3000, 0, 7));
    expect(workerHealth([e])).toEqual({ status: 'ok', warnings: [] });
    expect(e.engine.streamCounters()[0]).toMatchObject({ source: 'spam', overflowLines: 0, floodEntries: 0 });
    e.close();
  }, 60_000);
});
