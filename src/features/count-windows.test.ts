import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { EventFactory, hdfsReplay } from '../../test/harness/log-streams.js';
import { CountFeatures } from './count-features.js';
import { type Closed, SourceWindows } from './count-windows.js';
import { TimeWindower } from './time-window.js';
import { Vectorizer } from './vectorize.js';

/**
 * The serve path (count windows → CountFeatures) and the batch path (TimeWindower's event lists →
 * Vectorizer) must put the same events in the same windows and read the same columns from them:
 * counters instead of event lists is the serve path's only difference (a million-event window costs
 * as much as one of ten).
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

  it('same raw vectors from CountFeatures (counters) as from the batch Vectorizer (event lists)', () => {
    // Fit on the first half, read the second: templates unseen at fit land in the unknown column in both.
    const half = Math.floor(serve.length / 2);
    const f = CountFeatures.fit(serve.slice(0, half).map((c) => c.counts), 300);
    const v = Vectorizer.fit(seqs.slice(0, half), { bigrams: 'off', extras: true, markov: false, scaling: 'none' });
    expect(v.columns).toBe(f.columns);
    for (let col = 0; col < f.columns; col++) expect(v.columnInfo(col).feature.replace('#new templates', '#unknown templates')).toBe(f.column(col).feature);
    const raw = v.rawSparse(seqs);
    for (let k = 0; k < serve.length; k++) {
      const dense = new Float64Array(raw.cols);
      for (let p = raw.indptr[k]; p < raw.indptr[k + 1]; p++) dense[raw.indices[p]] = raw.values[p];
      expect(Array.from(f.raw(serve[k].counts))).toEqual(Array.from(dense));
    }
  });

  it('the model input agrees too: log1p counts, standardised with the training statistics', () => {
    const f = CountFeatures.fit(serve.map((c) => c.counts), 300);
    const v = Vectorizer.fit(seqs, { bigrams: 'off', extras: true, markov: false, sublinear: true, scaling: 'standard' });
    const a = f.transform(serve.map((c) => c.counts));
    const b = v.transform(seqs);
    expect([b.rows, b.cols]).toEqual([a.rows, a.cols]);
    // The two compute the deviation differently (two passes against E[x²] − mean²): equal to rounding.
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThan(1e-9);
  });
});
