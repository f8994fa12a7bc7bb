import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { validate } from '../../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../config/schema.js';
import { silentLogger } from '../../core/component.js';
import type { KafkaRecordIn } from '../../sources/kafka/records.js';
import type { FeedbackLesson } from './feedback.js';
import { PartitionEngine, type PartitionOptions } from './partition.js';

// Real lines (Loghub, test/fixtures/eval-stream: BGL label column stripped), two sources in one
// partition, interleaved as a keyed topic holds them.
const read = (f: string, labelled: boolean) =>
  readFileSync(new URL(`../../../test/fixtures/eval-stream/${f}`, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => (labelled ? l.slice(l.indexOf(' ') + 1) : l));
const bgl = read('BGL_2k.head400.log', true);
const hdfs = read('HDFS_2k.head300.log', false);
const messages: KafkaRecordIn[] = [];
for (let i = 0; i < Math.max(bgl.length, hdfs.length); i++) {
  for (const [key, lines] of [['bgl', bgl], ['hdfs', hdfs]] as const) {
    if (i >= lines.length) continue;
    const offset = messages.length;
    messages.push({ key: Buffer.from(key), value: Buffer.from(lines[i]), timestamp: String(1_796_000_000_000 + offset * 10), offset: String(offset) });
  }
}

// Sensitive defaults so that this small input flags something: a short warm-up, early models.
const config = validate({ detectors: { novelty: { warmup_events: 20 }, model: { enabled: true, min_windows: 10 } } }, serveConfigSchema) as ServeConfig;
const opts = (restored?: Buffer): PartitionOptions => ({ config, topic: 'logs', partition: 3, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 4096, logger: silentLogger, restored, tickRecords: 50 });

/** Deterministic draws for fetch sizes and crash points. */
function draws(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function straight(): Promise<string[]> {
  const e = new PartitionEngine(opts());
  await e.process(messages);
  const ids = e.checkpoint()?.anomalies.map((a) => a.id) ?? [];
  e.close();
  return ids;
}

/**
 * Fetches of random sizes; at random points a checkpoint is taken, the engine dropped (a crash or
 * a rebalance) and a new one restored from it, fed again from an older offset (a commit that lags
 * the changelog) — as a partition's next owner is.
 */
async function withRestores(seed: number): Promise<{ ids: string[]; restores: number }> {
  const r = draws(seed);
  let e = new PartitionEngine(opts());
  const ids: string[] = [];
  let restores = 0;
  for (let i = 0; i < messages.length; ) {
    const n = 1 + Math.floor(r() * 60);
    await e.process(messages.slice(i, i + n));
    i += n;
    if (r() < 0.5) {
      const cp = e.checkpoint();
      if (cp === undefined) continue;
      ids.push(...cp.anomalies.map((a) => a.id));
      e.close();
      e = new PartitionEngine(opts(cp.state));
      restores++;
      i = Math.max(0, cp.next - Math.floor(r() * 40));
    }
  }
  ids.push(...(e.checkpoint()?.anomalies.map((a) => a.id) ?? []));
  e.close();
  return { ids, restores };
}

describe('a Kafka partition engine', () => {
  it('finds the same anomalies, each once, however its input is fetched and however often its state moves to a new owner', async () => {
    const ref = await straight();
    expect(ref.length).toBeGreaterThan(2);
    expect(new Set(ref).size).toBe(ref.length);
    for (const seed of [1, 2, 3]) {
      const { ids, restores } = await withRestores(seed);
      expect(restores).toBeGreaterThan(3);
      expect([...ids].sort()).toEqual([...ref].sort());
    }
  }, 60_000);

  it('resumes where its state ends: records before it are skipped, the state carries the offset', async () => {
    const e = new PartitionEngine(opts());
    await e.process(messages.slice(0, 120));
    const cp = e.checkpoint()!;
    expect(cp.next).toBe(120);
    e.close();
    const again = new PartitionEngine(opts(cp.state));
    expect(again.next).toBe(120);
    await again.process(messages.slice(100, 130));
    expect(again.records).toBe(10);
    expect(again.next).toBe(130);
    again.close();
  });

  it('applies "learn as normal" feedback to its detectors: a lesson given on an anomaly stops it', async () => {
    const found = async (lesson?: FeedbackLesson) => {
      const e = new PartitionEngine(opts());
      const learned = lesson ? e.learn(lesson) : undefined;
      await e.process(messages);
      const ids = e.checkpoint()?.anomalies ?? [];
      e.close();
      return { ids, learned };
    };
    const before = await found();
    const a = before.ids.find((x) => x.detector === 'novelty' && x.templateId !== undefined);
    expect(a, 'a novelty anomaly on a template').toBeDefined();
    // What the serve node's policy relays for "learn" on it (feedback/policy.ts#learn).
    const lesson: FeedbackLesson = { detector: a!.detector, what: { source: a!.source, templateId: a!.templateId, feature: a!.explanation[0]?.feature } };
    const after = await found(lesson);
    expect(after.learned).toBe(true);
    expect(after.ids.map((x) => x.id)).not.toContain(a!.id);
    // Nothing else changed: the other anomalies are the same.
    expect(after.ids.map((x) => x.id).sort()).toEqual(before.ids.map((x) => x.id).filter((id) => id !== a!.id).sort());
    // A lesson for a detector this engine does not run teaches nothing.
    const e = new PartitionEngine(opts());
    expect(e.learn({ detector: 'no-such', what: { source: 'bgl', templateId: 1 } })).toBe(false);
    e.close();
  });

  it('refuses a state it cannot read', () => {
    const newer = gzipSync(JSON.stringify({ kind: 'anomalog.kafka-partition', version: 99, data: {} }));
    expect(() => new PartitionEngine(opts(newer))).toThrow(/v99/);
    expect(() => new PartitionEngine(opts(Buffer.from('not gzip')))).toThrow(/malformed/);
  });
});
