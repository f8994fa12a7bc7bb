import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { EventFactory, hdfsReplay } from '../../test/harness/log-streams.js';
import { type Closed, SourceWindows } from './count-windows.js';
import { TimeWindower } from './time-window.js';
import { Vectorizer } from './vectorize.js';

/**
 * The serve path (count windows → `Vectorizer.fitCounts`) and the batch path (TimeWindower's event
 * lists → `Vectorizer.fit`) must put the same events in the same windows and read the same columns
 * from them: counters instead of event lists is the serve path's only difference (a million-event
 * window costs as much as one of ten).
 */
function events(): LogEvent[] {
  const f = new EventFactory();
  const evs = hdfsReplay(f, { count: 3000, meanGapMs: 400, seed: 11 });
  // Levels as the parser normalises them: a share of warnings and errors (and one fatal) to count.
  for (let i = 0; i < evs.length; i++) evs[i].level = i % 17 === 0 ? 'error' : i % 11 === 0 ? 'warn' : i === 1500 ? 'fatal' : 'info';
  return evs;
}

function serveWindows(evs: readonly LogEvent[], sizeMs: number): Closed[] {
  const w = new SourceWindows({ mode: 'time', size_ms: sizeMs }, { sample_lines: 0, max_line_chars: 500, max_window_templates: 2000 });
  const out: Closed[] = [];
  // In batches, as the engine hands them over; the last window is closed by time passing.
  for (let i = 0; i < evs.length; i += 250) w.add(evs, i, Math.min(evs.length, i + 250), out);
  w.tick(evs[evs.length - 1].ts + sizeMs + 60_000, out);
  w.tick(evs[evs.length - 1].ts + 2 * sizeMs + 60_000, out);
  return out;
}

describe('serve count windows and batch windows agree', () => {
  const evs = events();
  const sizeMs = 60_000;
  const serve = serveWindows(evs, sizeMs);
  const batch = new TimeWindower({ size_ms: sizeMs });
  const seqs = [...batch.add(evs), ...batch.flush()];

  it('same windows, same template counts, events, errors and warnings', () => {
    expect(serve.length).toBeGreaterThan(10);
    expect(serve.map((c) => c.counts.start)).toEqual(seqs.map((s) => s.window?.start));
    for (let k = 0; k < serve.length; k++) {
      const c = serve[k].counts;
      const counts = new Map<number, number>();
      for (const t of seqs[k].templates) counts.set(t, (counts.get(t) ?? 0) + 1);
      expect(c.ids).toEqual([...counts.keys()].sort((a, b) => a - b));
      expect(c.counts).toEqual(c.ids.map((id) => counts.get(id)));
      expect(c.events).toBe(seqs[k].templates.length);
      const levels = [...(seqs[k].levels ?? [])];
      expect(c.errors).toBe(levels.filter((l) => l === 2).length);
      expect(c.warns).toBe(levels.filter((l) => l === 1).length);
    }
    expect(serve.reduce((n, c) => n + c.counts.errors, 0)).toBeGreaterThan(0);
  });

  it('same columns and raw vectors from counters (serve) as from event lists (batch)', () => {
    // Fit on the first half, read all: a template unseen at fit would land in the unknown column in both.
    const half = Math.floor(serve.length / 2);
    const f = Vectorizer.fitCounts(serve.slice(0, half).map((c) => c.counts), 300);
    const v = Vectorizer.fit(seqs.slice(0, half), { bigrams: 'off', extras: true, markov: false, scaling: 'none' });
    expect(f.columns).toBe(v.columns);
    expect(f.vocabulary.ids).toEqual(v.vocabulary.ids);
    for (let col = 0; col < f.columns; col++) expect(f.columnInfo(col)).toEqual(v.columnInfo(col));
    const raw = v.rawSparse(seqs);
    for (let k = 0; k < serve.length; k++) {
      const dense = new Float64Array(raw.cols);
      for (let p = raw.indptr[k]; p < raw.indptr[k + 1]; p++) dense[raw.indices[p]] = raw.values[p];
      expect(Array.from(f.rawCounts(serve[k].counts))).toEqual(Array.from(dense));
    }
  });

  it('the same model input, to the last bit: log1p counts, standardised with the same training statistics', () => {
    const f = Vectorizer.fitCounts(serve.map((c) => c.counts), 300);
    const v = Vectorizer.fit(seqs, { bigrams: 'off', extras: true, markov: false, sublinear: true, scaling: 'standard' });
    const a = f.transformCounts(serve.map((c) => c.counts));
    const b = v.transform(seqs);
    expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    for (let c = 0; c < a.cols; c++) expect([f.deviation(c), f.expectedRaw(c), f.spreadRaw(c)]).toEqual([v.deviation(c), v.expectedRaw(c), v.spreadRaw(c)]);
  });

  it('keeps the most widespread templates when the vocabulary is capped; the rest share the unknown column', () => {
    const windows = serve.map((c) => c.counts);
    const all = Vectorizer.fitCounts(windows, 300);
    const capped = Vectorizer.fitCounts(windows, 3);
    expect(capped.vocabulary.size).toBe(3);
    const df = (id: number) => windows.filter((w) => w.ids.includes(id)).length;
    const least = Math.min(...capped.vocabulary.ids.map(df));
    for (const id of all.vocabulary.ids) if (!capped.has(id)) expect(df(id)).toBeLessThanOrEqual(least);
    expect(capped.columns).toBe(3 + 1 + 5);
    // What the capped vocabulary leaves out is counted in the unknown column (and as unknown distinct templates).
    const w = windows.find((x) => x.ids.some((id) => !capped.has(id)))!;
    const raw = capped.rawCounts(w);
    const unknown = w.ids.reduce((n, id, i) => n + (capped.has(id) ? 0 : w.counts[i]), 0);
    expect([raw[3], raw[6]]).toEqual([unknown, w.ids.filter((id) => !capped.has(id)).length]);
  });

  it('reads the features of models stored before (count-features format 1): same model input', () => {
    const f = Vectorizer.fitCounts(serve.map((c) => c.counts), 300);
    const j = f.toJSON();
    const legacy = { version: 1 as const, ids: j.vocabulary.ids, mean: j.shift ?? [], std: j.scale ?? [], rawMean: j.rawMean, rawStd: j.rawStd ?? [] };
    const g = Vectorizer.fromJSON(legacy);
    const windows = serve.map((c) => c.counts);
    expect(Array.from(g.transformCounts(windows).data)).toEqual(Array.from(f.transformCounts(windows).data));
    expect(Array.from(g.rawCounts(windows[3]))).toEqual(Array.from(f.rawCounts(windows[3])));
    expect(() => Vectorizer.fromJSON({ ...legacy, mean: [1] })).toThrow(/malformed/);
  });
});
