import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import { errorCode } from '../../../test/harness/errors.js';
import { batches, EventFactory, hdfsLines, hdfsReplay } from '../../../test/harness/log-streams.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import { createNovelty, definition, noveltyConfigSchema } from './index.js';
import { wordHash } from './state.js';
import { wordsOf } from './words.js';

setFlagsFromString('--expose-gc');

// Real HDFS lines absent from the 200-line sample (Loghub HDFS_2k.log, lines 1200+; see test/fixtures/logs/README.md).
const DELETE_ASK = 'BLOCK* ask 10.250.18.114:50010 to delete  blk_-5140072410813878235';
const TRANSFER = '10.250.15.198:50010 Starting thread to transfer block blk_4292382298896622412 to 10.250.15.240:50010';

/**
 * The HDFS sample's first error-like type ('Got exception while serving', event 77 of a replay):
 * the young source never logged one before, so it is its one finding on a normal replay.
 */
const EARLY = 'Got exception while serving';

/** A normal replay raised at most that one early finding. */
function quietReplay(found: Anomaly[]): void {
  expect(found.length).toBeLessThanOrEqual(1);
  for (const a of found) expect(a.title).toContain(EARLY);
}

function incidentStream(): Step[] {
  const f = new EventFactory();
  const normal = hdfsReplay(f, { count: 600, meanGapMs: 1000 });
  const last = normal[normal.length - 1].ts;
  const bad = f.event(DELETE_ASK, last + 50, 'hdfs', 'error');
  const more = hdfsReplay(f, { count: 200, meanGapMs: 100, start: last + 100, seed: 9 });
  return [...batches(normal, 50), { tick: last }, { events: [bad, ...more.slice(0, 20)] }, ...batches(more.slice(20), 60)].map((s) =>
    Array.isArray(s) ? { events: s } : s,
  );
}

detectorContract('novelty', {
  make: () => createNovelty({ min_surprise_bits: 6, max_templates: 1000, max_sources: 10, max_fleet_templates: 1000 }),
  stream: incidentStream,
});

describe('novelty', () => {
  it('raises one finding on a normal replay (the young source\'s first error-like type), then nothing as the vocabulary is learned', () => {
    const f = new EventFactory();
    const events = hdfsReplay(f, { count: 5000, meanGapMs: 100 });
    const d = createNovelty();
    const found = batches(events, 250).flatMap((b) => d.observe(b));
    expect(found).toHaveLength(1);
    expect(found[0].title).toBe("New message type on hdfs: '<IP>:<NUM>:Got exception while serving <ID> to <ID>:' (level info), while the source is still learning.");
    expect(found[0].severity).toBe('warning');
    expect(found[0].ts).toBe(events.find((e) => e.message.includes(EARLY))!.ts);
    // Without its per-class discovery rate (its first error-like type among 77 events), it would not be news.
    expect(found[0].explanation[0].expected).toBeLessThan(1 / 100);
    // With no threshold every first sighting would be news.
    const cold = createNovelty({ min_surprise_bits: 0 });
    const firstSeen = new Set(events.map((e) => e.templateId));
    expect(cold.observe(events).length).toBeGreaterThanOrEqual(1);
    expect(cold.observe(events).length).toBeLessThanOrEqual(firstSeen.size);
  });

  it('flags a new error template once the source has settled, with title, severity, context and explanation', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const d = createNovelty();
    quietReplay(d.observe(normal));
    const t = normal[normal.length - 1].ts + 10;
    const bad = f.event(DELETE_ASK, t, 'hdfs', 'error');
    const found = d.observe([bad, f.event(DELETE_ASK.replace('18.114', '18.115'), t + 5, 'hdfs', 'error')]);
    expect(found).toHaveLength(1);
    const a = found[0];
    expect(a.templateId).toBe(bad.templateId);
    expect(a.severity).toBe('error');
    expect(a.title).toBe(`New message type on hdfs: '${bad.template}' (level error).`);
    expect(a.context[a.context.length - 1]).toBe(DELETE_ASK);
    expect(a.context.length).toBe(noveltyConfigSchema.parse({}).context_lines);
    expect(a.explanation[0]).toMatchObject({ feature: 'new_template', templateId: bad.templateId, observed: 1 });
    expect(a.explanation[0].expected).toBeLessThan(1 / 500);
    expect(a.ts).toBe(t);
    expect(a.window!.start).toBeLessThanOrEqual(t);
    expect(a.window!.end).toBeGreaterThan(t);
    expect(a.score).toBeGreaterThanOrEqual(noveltyConfigSchema.parse({}).min_surprise_bits);
  });

  it('needs more surprise while the source is still learning: an info type waits, an error-like one is reported, one step lower', () => {
    const f = new EventFactory();
    // A second apart: the early error-like type's flood group has closed by the end.
    const young = hdfsReplay(f, { count: 1000, meanGapMs: 1000 });
    const t = young[young.length - 1].ts;
    const d = createNovelty();
    d.observe(young);
    expect(d.observe([f.event(TRANSFER, t + 1, 'hdfs', 'info')])).toEqual([]);
    const e = createNovelty();
    e.observe(young);
    const [a] = e.observe([f.event('BLOCK* failed to replicate blk_123 to 10.0.0.1:50010: connection refused', t + 1, 'hdfs')]);
    expect(a.severity).toBe('warning');
    expect(a.title).toMatch(/\(level info\), while the source is still learning\.$/);
  });

  it('ranks severity by level and wording: fatal is critical, an unlevelled FATAL line is too', () => {
    const f = new EventFactory();
    const d = createNovelty();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    d.observe(normal);
    const t = normal[normal.length - 1].ts;
    expect(d.observe([f.event(DELETE_ASK, t + 1, 'hdfs', 'fatal')])[0].severity).toBe('critical');
    const e = createNovelty();
    e.observe(normal);
    const [a] = e.observe([{ ...f.event('RAS KERNEL FATAL data TLB error interrupt', t + 1, 'hdfs'), level: undefined }]);
    expect(a.severity).toBe('critical');
    expect(a.title).toMatch(/\(reads as fatal\)\.$/);
  });

  it('does not report a bare named number (a line of a register dump), not even in a burst; the dump\'s event line is news', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    const field = Array.from({ length: 6 }, (_, i) => f.event(`machine check status register: 0x${(0x1f00 + i).toString(16)}`, t + 1 + i, 'hdfs', 'fatal'));
    expect(field[0].template).toBe('machine check status register: <HEX>');
    const d = createNovelty();
    d.observe(normal);
    expect(d.observe(field)).toEqual([]);
    const [a] = d.observe([f.event('machine check interrupt on node 7', t + 10, 'hdfs', 'fatal')]);
    expect(a.title).toContain('machine check interrupt');
  });

  it('reports a flood of first-seen types from one source as one finding (group_seconds)', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    // Forty distinct error messages (different lengths: the miner cannot merge them), 20 ms apart.
    const flood = Array.from({ length: 40 }, (_, i) => f.event(`kernel: probe of device failed${' again'.repeat(i)}`, t + 10 + i * 20, 'hdfs', 'error'));
    // Their words repeat ('again'): recombinations lose no bits here, so each would be news alone.
    const run = (group_seconds: number) => {
      const d = createNovelty({ group_seconds, known_words_bits: 0 });
      d.observe(normal);
      return d.observe(flood);
    };
    expect(run(0.001).length).toBeGreaterThan(3);
    const grouped = run(300);
    expect(grouped).toHaveLength(1);
    expect(grouped[0].title).toContain('probe of device');
  });

  it('reports a never-seen error of a source that settled again, however close in event time to the last one', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    const first = f.event('kernel: disk sda failed to spin up', t + 1, 'hdfs', 'error');
    const second = f.event('Lustre mount refused on node seven', t + 3, 'hdfs', 'error');
    // Between the two, in the same second of event time: a few known lines (a flood), or a discovery half-life of them (settled again).
    const run = (between: number) => {
      const d = createNovelty();
      d.observe(normal);
      const found = d.observe([first]);
      d.observe(hdfsReplay(f, { count: between, meanGapMs: 0, start: t + 1 }));
      return [...found, ...d.observe([second])];
    };
    expect(run(10)).toHaveLength(1);
    const settled = run(noveltyConfigSchema.parse({}).discovery_half_life_events);
    expect(settled.map((a) => a.title)).toEqual([expect.stringContaining('disk sda'), expect.stringContaining('Lustre mount')]);
  });

  it('tells apart long types that differ only after their first 256 characters (fleet keys)', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    const long = `Status report of the storage layer: ${Array.from({ length: 40 }, (_, i) => `shard${String.fromCharCode(97 + (i % 26))} ok`).join(' ')}`;
    expect(long.length).toBeGreaterThan(300);
    const d = createNovelty();
    d.observe([...normal.slice(0, 4000), f.event(long, normal[3999].ts + 1, 'hdfs'), ...normal.slice(4000)]);
    const [a] = d.observe([f.event(`${long} ERROR quota exceeded on volume seven`, t + 1, 'hdfs')]);
    expect(a?.title).toMatch(/^New message type on hdfs: 'Status report/);
    expect(a.explanation[0].template).toContain('ERROR quota exceeded');
  });

  it('scores a recombination of known words known_words_bits lower than a type bringing new words', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    // Every word of the first is in the HDFS sample's vocabulary; the second brings 'lustre' and 'mount'.
    const known = f.event('Receiving block blk_1 src: /10.0.0.1:50010 dest: /10.0.0.2:50010 of size 67108864 served', t + 1, 'hdfs', 'error');
    const fresh = f.event('Lustre mount refused on node 7', t + 1, 'hdfs', 'error');
    expect(known.templateId).not.toBe(fresh.templateId);
    const score = (kw: number, e: typeof known) => {
      const d = createNovelty({ known_words_bits: kw, min_surprise_bits: 0 });
      d.observe(normal);
      return d.observe([e])[0].score;
    };
    expect(score(0, fresh)).toBeCloseTo(score(2, fresh), 9);
    expect(score(0, known) - score(2, known)).toBeCloseTo(2, 9);
  });

  it('reports a message a young template was generalised for when it brings never-seen words', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const t = normal[normal.length - 1].ts;
    const d = createNovelty();
    quietReplay(d.observe(normal));
    const severed = 'ciod: Error reading message prefix on CioStream socket to 172.16.96.116:43790, Link has been severed';
    const reset = 'ciod: Error reading message prefix on CioStream socket to 172.16.96.116:58768, Connection reset by peer';
    const first = d.observe([f.event(severed, t + 1, 'hdfs', 'error')]);
    expect(first).toHaveLength(1);
    // A day later: the same problem, then a different one the miner folds into the same young template.
    expect(d.observe([f.event(severed.replace('43790', '43791'), t + 86_400_000, 'hdfs', 'error')])).toEqual([]);
    const e = f.event(reset, t + 2 * 86_400_000, 'hdfs', 'error');
    expect(e.templateId).toBe(first[0].templateId);
    expect(e.template).toContain('<*>');
    expect(e.novel).toBeUndefined();
    const [a] = d.observe([e]);
    expect(a.title).toContain("New message on hdfs: 'ciod: Error reading message prefix on CioStream socket to 172.16.96.116:58768, Connection reset by peer'");
    expect(a.explanation[0].feature).toBe('new_message');
    // Once: the same words again are known.
    expect(d.observe([f.event(reset.replace('58768', '58769'), t + 3 * 86_400_000, 'hdfs', 'error')])).toEqual([]);
    // Values absorbed the same way (digits, paths) are not words: nothing to report.
    const g = createNovelty();
    g.observe(normal);
    g.observe([f.event('job 42 loaded /bgl/apps/a', t + 1, 'hdfs', 'error')]);
    expect(g.observe([f.event('job 42 loaded /bgl/apps/b/c', t + 86_400_000, 'hdfs', 'error')])).toEqual([]);
  });

  it('learns across a fleet: a type other sources already logged is not news for a new pod', () => {
    const f = new EventFactory();
    const d = createNovelty();
    const pods = Array.from({ length: 20 }, (_, p) => hdfsReplay(f, { count: 300, meanGapMs: 100, source: `pod-${p}`, seed: p + 1 }));
    // The first pod's early error-like type is its news; the others learned it from the fleet.
    const found = pods.flatMap((events) => d.observe(events));
    quietReplay(found);
    expect(found.every((a) => a.source === 'pod-0')).toBe(true);
    expect(d.stats().fleetTemplates).toBeGreaterThan(5);
    // A new type, first from the newest pod (300 events of its own: young, but its types came from
    // the fleet, which has settled), then from the others: one finding, on the first.
    const t = pods[19][299].ts + 1000;
    const news = pods.map((_, p) => f.event(DELETE_ASK, t + p, `pod-${19 - p}`, 'error')).flatMap((e) => d.observe([e]));
    expect(news).toHaveLength(1);
    expect(news[0].source).toBe('pod-19');
    const alone = createNovelty({ max_fleet_templates: 0 });
    expect(pods.flatMap((events) => alone.observe(events)).length).toBeGreaterThanOrEqual(0);
  });

  it('reports a never-seen message absorbed into a known template (LogEvent.novel) as first seen, once', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 8000, meanGapMs: 100 });
    const d = createNovelty();
    d.observe(normal);
    const known = normal[normal.length - 1];
    const t = known.ts + 10;
    const novel = { ...known, ts: t, level: 'error', message: 'Verification failed for blk_1', raw: 'Verification failed for blk_1', novel: { kind: 'generalised' as const, words: ['failed'] } };
    const found = d.observe([novel, { ...novel, ts: t + 1 }]);
    expect(found).toHaveLength(1);
    expect(found[0].explanation[0].feature).toBe('new_message');
    expect(found[0].title).toMatch(/^New message on hdfs: 'Verification failed for blk_1', a never-seen variant of '.*' \(level error\)\.$/);
  });

  it('flags a template that is rare relative to its history when rare_count is set, then stays quiet for a half-life', () => {
    const f = new EventFactory();
    const lines = hdfsLines();
    const deleting = lines.find((l) => l.startsWith('Deleting block'))!;
    const others = hdfsReplay(f, { count: 4000, meanGapMs: 100 }).filter((e) => !e.message.startsWith('Deleting block'));
    const d = createNovelty({ rare_count: 3, rare_half_life_events: 2000 });
    const first = f.event(deleting, others[0].ts - 1, 'hdfs', 'info');
    quietReplay(d.observe([first, ...others]));
    const t = others[others.length - 1].ts;
    const again = d.observe([f.event(deleting, t + 1), f.event(deleting, t + 2)]);
    expect(again).toHaveLength(1);
    expect(again[0].title).toMatch(/^Rare message type on hdfs: 'Deleting block .*' seen about 0 times in the last 2000 events \(level info\)\.$/);
    expect(again[0].severity).toBe('info');
    expect(again[0].explanation[0].feature).toBe('rare_template');
    expect(again[0].explanation[0].expected).toBeLessThan(1);
  });

  it('does not call a template rare before the source has a half-life of history', () => {
    const f = new EventFactory();
    const lines = hdfsLines();
    const deleting = lines.find((l) => l.startsWith('Deleting block'))!;
    const others = hdfsReplay(f, { count: 1500, meanGapMs: 100 }).filter((e) => !e.message.startsWith('Deleting block'));
    const d = createNovelty({ rare_count: 3, rare_half_life_events: 2000 });
    d.observe([f.event(deleting, others[0].ts - 1, 'hdfs', 'info'), ...others]);
    const t = others[others.length - 1].ts;
    expect(d.observe([f.event(deleting, t + 1)])).toEqual([]);
  });

  it('reads a version-1 snapshot: its sources start settled', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 3000, meanGapMs: 100 });
    const d = createNovelty();
    d.observe(normal);
    const v2 = d.snapshot() as { version: number; data: { sources: Record<string, unknown>[] } };
    expect(v2.version).toBe(4);
    // Version 1 kept [id, count, at, lastAlert] per template (version 2 adds the pending first sighting).
    const four = (flat: number[]) => flat.flatMap((x, i) => (i % 6 < 4 ? [x] : []));
    const v1 = { kind: 'novelty', version: 1, data: { sources: v2.data.sources.map((s) => ({ name: s.name, events: s.events, total: s.total, lines: s.lines, templates: four(s.templates as number[]) })), evictedTemplates: 0, evictedSources: 0 } };
    const back = createNovelty();
    back.restore(v1);
    const t = normal[normal.length - 1].ts + 10;
    expect(back.observe([f.event(DELETE_ASK, t, 'hdfs', 'error')])).toHaveLength(1);
  });

  it('reads a version-3 snapshot: its vocabulary of words becomes word hashes', () => {
    const d = createNovelty();
    d.observe([new EventFactory().event('Lustre mount FAILED on node', 1_000, 'hdfs', 'error')]);
    const v4 = d.snapshot() as { data: { sources: { words: [number, number][] }[] } };
    const words = wordsOf('Lustre mount FAILED on node');
    expect(v4.data.sources[0].words).toEqual(words.map((w) => [wordHash(w), 1]));
    const v3 = structuredClone(v4) as unknown as { version: number; data: { sources: { words: unknown[] }[] } };
    v3.version = 3;
    v3.data.sources[0].words = words.map((w) => [w, 1]);
    const back = createNovelty();
    back.restore(v3 as never);
    expect((back.snapshot() as typeof v4).data.sources[0].words).toEqual(v4.data.sources[0].words);
  });

  it('tracks sources separately and caps templates per source with counted LRU eviction', () => {
    const f = new EventFactory();
    const d = createNovelty({ max_templates: 4, min_surprise_bits: 0 });
    const ev = hdfsReplay(f, { count: 200, meanGapMs: 10 });
    d.observe(ev);
    const s = d.stats();
    expect(s.templates).toBe(4);
    // Evicted templates that come back are tracked (and evicted) again, so evictions exceed distinct - cap.
    expect(s.evictedTemplates).toBeGreaterThanOrEqual(new Set(ev.map((e) => e.templateId)).size - 4);
    const other = createNovelty({ min_surprise_bits: 0, max_fleet_templates: 0 });
    other.observe(ev);
    const api = other.observe([{ ...ev[0], source: 'api' }]);
    expect(api).toHaveLength(1);
    expect(api[0].source).toBe('api');
  });

  it('bounds its state on hostile lines: words evicted and counted, long texts not kept, no line kept alive', () => {
    const gc = runInNewContext('gc') as () => void;
    // Megabyte lines of 20-letter words (a cut of 13 or more characters is a view of its line in V8).
    const letter = (n: number) => String.fromCharCode(97 + (n % 26));
    // 26 words of its own per line (the rest repeat them), each 20 letters.
    const line = (i: number) => `${i} ${Array.from({ length: 50_000 }, (_, k) => `w${letter(i)}${letter(i / 26)}${letter(k).repeat(17)}`).join(' ')}`.split('').join('');
    const events = (d: { observe(e: LogEvent[]): unknown } | null) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 30; i++) {
        const l = line(i);
        d?.observe([{ ts: i * 1000, source: 'hostile', level: 'info', message: l, raw: l, templateId: i, template: l, params: [] }]);
      }
      gc();
      return (process.memoryUsage().heapUsed - before) / 2 ** 20;
    };
    const none = events(null);
    const d = createNovelty({ max_words: 500 });
    const grown = events(d) - none;
    // 30 lines are 30 MB: the detector keeps a few context lines' first 2,000 characters and 500 of
    // their 780 words (each a view of its line unless copied: about 20 lines).
    expect(grown).toBeLessThan(8);
    const st = d.stats();
    expect(st.evictedWords).toBeGreaterThan(0);
    const src = (d.snapshot().data as { sources: { words: unknown[]; texts: string[] }[] }).sources[0];
    expect(src.words.length).toBe(500);
    const distinct = new Set(Array.from({ length: 30 }, (_, i) => wordsOf(line(i))).flat()).size;
    expect(distinct).toBeGreaterThan(600);
    expect(st.evictedWords).toBe(distinct - 500);
    // A template text longer than the word reader reads is not kept (only that it is long).
    expect(src.texts.every((t) => t === '')).toBe(true);
    expect(src.texts).toHaveLength(30);
  });

  it('validates its config strictly and is registered as a detector', () => {
    expect(errorCode(() => createNovelty({ warmup_event: 3 } as never))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(errorCode(() => createNovelty({ rare_half_life_events: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(definition).toMatchObject({ kind: 'detector', type: 'novelty' });
    expect(noveltyConfigSchema.parse({}).warmup_events).toBe(0);
  });
});
