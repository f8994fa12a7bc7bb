import { describe, expect, it } from 'vitest';
import { detectorContract, run, type Step } from '../../../test/contract/detector.contract.js';
import type { LogEvent } from '../../core/event.js';
import { serveConfigSchema } from '../../config/schema.js';
import { createWatch } from './index.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const MIN = 60_000;
const HOUR = 3_600_000;
const TEXT: Record<number, string> = {
  1: 'GET <PATH> <NUM>',
  2: 'Lustre mount FAILED : <ID> : point <PATH>',
  3: 'Lustre mount FAILED : <ID> : block_id : location',
  4: 'mount of <PATH> done',
  5: 'data TLB error interrupt',
  // A line of a register dump (BGL_20k, 2005-11-17): shares half its words with template 5.
  6: 'tlb error.........................<NUM>',
};
const ev = (ts: number, templateId: number, source = 'app'): LogEvent => ({
  ts,
  source,
  message: TEXT[templateId] ?? `t${templateId}`,
  raw: `${new Date(ts).toISOString()} ${TEXT[templateId] ?? templateId}`,
  templateId,
  template: TEXT[templateId] ?? `t${templateId} <*>`,
  params: [],
  level: templateId === 1 ? 'info' : 'fatal',
});

/** Normal traffic with bursts of template 2 at 2 h and 5 h. */
function stream(): Step[] {
  const steps: Step[] = [];
  for (let h = 0; h < 8; h++) {
    const batch: LogEvent[] = [];
    for (let m = 0; m < 60; m += 5) batch.push(ev(T0 + h * HOUR + m * MIN, 1));
    if (h === 2 || h === 5) for (let k = 0; k < 4; k++) batch.push(ev(T0 + h * HOUR + 30 * MIN + k * 1000, 2));
    batch.sort((a, b) => a.ts - b.ts);
    steps.push({ events: batch }, { tick: T0 + (h + 1) * HOUR });
  }
  return steps;
}

detectorContract('watch', {
  make: () => {
    const d = createWatch({ max_watches: 50, max_checked: 1000 });
    d.confirmed({ source: 'app', templateId: 2, template: TEXT[2], on: true });
    d.confirmed({ source: 'src', templateId: 5, template: 't5 <*>', on: true });
    return d;
  },
  stream,
});

describe('watch detector (recurrences of confirmed problems)', () => {
  it('reports nothing until a problem is confirmed, then one anomaly per burst of it', () => {
    const d = createWatch();
    expect(run(d, stream())).toEqual([]);
    expect(d.confirmed({ source: 'app', templateId: 2, template: TEXT[2], severity: 'critical', on: true })).toBe(true);
    const found = run(d, stream());
    expect(found.map((a) => a.ts)).toEqual([T0 + 2 * HOUR + 30 * MIN, T0 + 5 * HOUR + 30 * MIN]);
    const a = found[0];
    expect(a).toMatchObject({ detector: 'watch', source: 'app', templateId: 2, severity: 'critical' });
    expect(a.title).toBe("Confirmed problem again on app: 'Lustre mount FAILED : <ID> : point <PATH>'.");
    expect(a.explanation[0]).toMatchObject({ feature: 'confirmed_template', templateId: 2, template: TEXT[2] });
    // Context: the source's recent lines in time order, up to the recurrence.
    expect(a.context.at(-1)).toContain('Lustre mount FAILED');
    expect(a.context).toEqual([...a.context].sort());
  });

  it('reports a long burst again every repeat_seconds, and a recurrence after regroup_seconds of quiet', () => {
    const d = createWatch({ regroup_seconds: 600, repeat_seconds: 3600 });
    d.confirmed({ source: 'app', templateId: 5, template: TEXT[5], on: true });
    // One line every 5 min for 3 h (0 to 2:55): one burst, reported at 0, 1 h, 2 h (with its count so far).
    const burst = Array.from({ length: 36 }, (_, i) => ev(T0 + i * 5 * MIN, 5));
    const found = d.observe(burst);
    expect(found.map((a) => (a.ts - T0) / HOUR)).toEqual([0, 1, 2]);
    expect(found[1].title).toBe("Confirmed problem again on app: 'data TLB error interrupt' (13 times since 10:00 UTC).");
    expect(new Set(found.map((a) => a.id)).size).toBe(3);
    // 16 min of quiet (> 600 s): a new burst.
    expect(d.observe([ev(T0 + 3 * HOUR + 11 * MIN, 5)])).toHaveLength(1);
    // A clock that jumps back by a day starts a burst there too.
    expect(d.observe([ev(T0 - 24 * HOUR, 5)])).toHaveLength(1);
  });

  it('reports hours already read once: a file that revisits a burst\'s hours is the same burst, new hours are a new one', () => {
    const d = createWatch();
    d.confirmed({ source: 'app', templateId: 5, template: TEXT[5], on: true });
    // A burst from 0 to 2:50, one line every 10 min: reported at 0, 1 h and 2 h.
    const first = d.observe(Array.from({ length: 18 }, (_, i) => ev(T0 + i * 10 * MIN, 5)));
    expect(first.map((a) => (a.ts - T0) / HOUR)).toEqual([0, 1, 2]);
    // Elsewhere in time (a day later): a burst of its own.
    expect(d.observe([ev(T0 + 24 * HOUR, 5)])).toHaveLength(1);
    // The file jumps back and reads other lines of the first burst's hours (as BGL_20k's sample does):
    // counted in that burst, not reported again — neither as a new burst nor as its next hours.
    expect(d.observe(Array.from({ length: 17 }, (_, i) => ev(T0 + 5 * MIN + i * 10 * MIN, 5)))).toEqual([]);
    // Read on past the hours seen, the burst goes on: its next hour is reported with the lines counted.
    const onward = d.observe([ev(T0 + 3 * HOUR + 10 * MIN, 5)]);
    expect(onward.map((a) => a.title)).toEqual(["Confirmed problem again on app: 'data TLB error interrupt' (36 times since 10:00 UTC)."]);
    // Back to hours never read (a week earlier): a burst there, reported.
    expect(d.observe([ev(T0 - 7 * 24 * HOUR, 5)])).toHaveLength(1);
  });

  it('watches close variants of a confirmed template, not other messages, and never one taken back', () => {
    const d = createWatch();
    d.confirmed({ source: 'app', templateId: 2, template: TEXT[2], on: true });
    const variant = d.observe([ev(T0, 3)]);
    expect(variant).toHaveLength(1);
    expect(variant[0].title).toContain("a close variant of 'Lustre mount FAILED : <ID> : point <PATH>'");
    // 'mount of <PATH> done' shares one word of four: not close.
    expect(d.observe([ev(T0, 4), ev(T0, 1)])).toEqual([]);
    // The same template on another source is that source's business.
    expect(d.observe([ev(T0, 2, 'web')])).toEqual([]);
    // A person dismissed the variant's report: it is not watched again, the confirmed one still is.
    d.confirmed({ source: 'app', templateId: 3, on: false });
    expect(d.observe([ev(T0 + 5 * HOUR, 3)])).toEqual([]);
    expect(d.observe([ev(T0 + 5 * HOUR, 2)])).toHaveLength(1);
    // Taking back the confirmation itself ends its watch.
    d.confirmed({ source: 'app', templateId: 2, on: false });
    expect(d.observe([ev(T0 + 9 * HOUR, 2)])).toEqual([]);
    expect(d.stats).toMatchObject({ watched: 0, confirmed: 0 });
    // With similar_words_share 0 only the confirmed template itself is watched.
    const exact = createWatch({ similar_words_share: 0 });
    exact.confirmed({ source: 'app', templateId: 2, template: TEXT[2], on: true });
    expect(exact.observe([ev(T0, 3)])).toEqual([]);
  });

  it('never takes a line of a dump for a close variant; a dump line confirmed itself is watched', () => {
    const d = createWatch();
    d.confirmed({ source: 'app', templateId: 5, template: TEXT[5], on: true });
    // 'tlb error…<NUM>' shares 2 of 4 words with 'data TLB error interrupt' (the 0.5 bar), but it is a
    // register value printed in a dump, not the problem again.
    expect(d.observe([ev(T0, 6)])).toEqual([]);
    expect(d.observe([ev(T0 + 2 * HOUR, 5)])).toHaveLength(1);
    d.confirmed({ source: 'app', templateId: 6, template: TEXT[6], on: true });
    expect(d.observe([ev(T0 + 4 * HOUR, 6)])).toHaveLength(1);
  });

  it('a restart in the middle of a burst does not report it again (timing in the snapshot, watches from the feedback)', () => {
    const d = createWatch();
    d.confirmed({ source: 'app', templateId: 2, template: TEXT[2], on: true });
    expect(d.observe([ev(T0, 2)])).toHaveLength(1);
    const saved = JSON.parse(JSON.stringify(d.snapshot()));
    // At start the engine restores the snapshot first, then the stored feedback confirms again.
    const restarted = createWatch();
    restarted.restore(saved);
    restarted.confirmed({ source: 'app', templateId: 2, template: TEXT[2], on: true });
    expect(restarted.observe([ev(T0 + 10 * MIN, 2)])).toEqual([]);
    expect(restarted.observe([ev(T0 + 3 * HOUR, 2)])).toHaveLength(1);
  });

  it('keeps at most max_watches templates and clips hostile templates in titles', () => {
    const d = createWatch({ max_watches: 3, similar_words_share: 0 });
    for (let t = 10; t < 20; t++) d.confirmed({ source: 'app', templateId: t, template: `problem ${t} ${'x'.repeat(10_000)}`, on: true });
    expect(d.stats.watched).toBe(3);
    const found = d.observe([ev(T0, 19), ev(T0, 10)]);
    expect(found).toHaveLength(1);
    expect(found[0].title.length).toBeLessThan(300);
  });

  it('is on by default in serve (and reports nothing without feedback)', () => {
    const cfg = serveConfigSchema.parse({});
    expect(cfg.detectors.watch.enabled).toBe(true);
  });
});
