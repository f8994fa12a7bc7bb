import { describe, expect, it } from 'vitest';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import { errorCode } from '../../../test/harness/errors.js';
import { batches, EventFactory, hdfsLines, hdfsReplay } from '../../../test/harness/log-streams.js';
import { createNovelty, definition, noveltyConfigSchema } from './index.js';

// Real HDFS lines absent from the 200-line sample (Loghub HDFS_2k.log, lines 1200+; see test/fixtures/logs/README.md).
const DELETE_ASK = 'BLOCK* ask 10.250.18.114:50010 to delete  blk_-5140072410813878235';
const TRANSFER = '10.250.15.198:50010 Starting thread to transfer block blk_4292382298896622412 to 10.250.15.240:50010';

function incidentStream(): Step[] {
  const f = new EventFactory();
  const normal = hdfsReplay(f, { count: 600, meanGapMs: 100 });
  const last = normal[normal.length - 1].ts;
  const bad = f.event(DELETE_ASK, last + 50, 'hdfs', 'error');
  const more = hdfsReplay(f, { count: 200, meanGapMs: 100, start: last + 100, seed: 9 });
  return [...batches(normal, 50), { tick: last }, { events: [bad, ...more.slice(0, 20)] }, ...batches(more.slice(20), 60)].map((s) =>
    Array.isArray(s) ? { events: s } : s,
  );
}

detectorContract('novelty', {
  make: () => createNovelty({ warmup_events: 100, max_templates: 1000, max_sources: 10 }),
  stream: incidentStream,
});

describe('novelty', () => {
  it('raises nothing on a normal replay after warm-up, and would without the warm-up', () => {
    const f = new EventFactory();
    const events = hdfsReplay(f, { count: 5000, meanGapMs: 100 });
    const d = createNovelty();
    const found = batches(events, 250).flatMap((b) => d.observe(b));
    expect(found).toEqual([]);
    const cold = createNovelty({ warmup_events: 0 });
    const firstSeen = new Set(events.map((e) => e.templateId));
    expect(cold.observe(events).length).toBe(firstSeen.size);
  });

  it('flags a new error template after warm-up once, with title, severity, context and explanation', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 3000, meanGapMs: 100 });
    const d = createNovelty();
    expect(d.observe(normal)).toEqual([]);
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
    expect(a.explanation[0]).toMatchObject({ feature: 'new_template', templateId: bad.templateId, observed: 1, expected: 0 });
    expect(a.ts).toBe(t);
    expect(a.window!.start).toBeLessThanOrEqual(t);
    expect(a.window!.end).toBeGreaterThan(t);
    expect(a.score).toBeGreaterThan(Math.log2(1000));
  });

  it('ranks severity by level: fatal is critical, info is a warning', () => {
    const f = new EventFactory();
    const d = createNovelty({ warmup_events: 200 });
    const normal = hdfsReplay(f, { count: 400, meanGapMs: 100 });
    d.observe(normal);
    const t = normal[399].ts;
    expect(d.observe([f.event(DELETE_ASK, t + 1, 'hdfs', 'fatal')])[0].severity).toBe('critical');
    expect(d.observe([f.event(TRANSFER, t + 2, 'hdfs', 'info')])[0].severity).toBe('warning');
  });

  it('flags a template that is rare relative to its history, then stays quiet for a half-life', () => {
    const f = new EventFactory();
    const lines = hdfsLines();
    const deleting = lines.find((l) => l.startsWith('Deleting block'))!;
    const others = hdfsReplay(f, { count: 4000, meanGapMs: 100 }).filter((e) => !e.message.startsWith('Deleting block'));
    const d = createNovelty({ warmup_events: 1000, rare_half_life_events: 2000 });
    const first = f.event(deleting, others[0].ts - 1, 'hdfs', 'info');
    expect(d.observe([first, ...others])).toEqual([]);
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
    // Seen once at the start, then again after the warm-up but within the first 2,000 events.
    const d = createNovelty({ warmup_events: 1000, rare_half_life_events: 2000 });
    d.observe([f.event(deleting, others[0].ts - 1, 'hdfs', 'info'), ...others]);
    const t = others[others.length - 1].ts;
    expect(d.observe([f.event(deleting, t + 1)])).toEqual([]);
  });

  it('tracks sources separately and caps templates per source with counted LRU eviction', () => {
    const f = new EventFactory();
    const d = createNovelty({ warmup_events: 0, max_templates: 4 });
    const ev = hdfsReplay(f, { count: 200, meanGapMs: 10 });
    d.observe(ev);
    const s = d.stats();
    expect(s.templates).toBe(4);
    // Evicted templates that come back are tracked (and evicted) again, so evictions exceed distinct - cap.
    expect(s.evictedTemplates).toBeGreaterThanOrEqual(new Set(ev.map((e) => e.templateId)).size - 4);
    const other = d.observe([{ ...ev[0], source: 'api' }]);
    expect(other).toHaveLength(1);
    expect(other[0].source).toBe('api');
  });

  it('validates its config strictly and is registered as a detector', () => {
    expect(errorCode(() => createNovelty({ warmup_event: 3 } as never))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(errorCode(() => createNovelty({ rare_half_life_events: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(definition).toMatchObject({ kind: 'detector', type: 'novelty' });
    expect(noveltyConfigSchema.parse({}).warmup_events).toBe(1000);
  });
});
