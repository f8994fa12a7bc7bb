import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Source } from '../core/source.js';
import { openStore } from '../store/index.js';
import { Engine } from './engine.js';

const source: Source = { id: 'http', run: async () => {}, ack() {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };

/** A number as letters (no digits: the masker would make every line one template). */
const word = (n: number, salt: string) => salt + [...n.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');

/** `n` lines of distinct words: every line a new template. */
function uniqueLines(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${word(from + i, 'qa')} ${word(from + i, 'zb')} ${word(from + i, 'xc')} delta`);
}

function run(checkpointMs: number | undefined) {
  const clock = new ManualClock(1_000);
  const store = openStore(':memory:', { clock });
  const engine = new Engine({ sources: [source], detectors: [], store, anomalies: store, clock, parserOptions: () => ({ format: 'plain', multiline: false, miner: { maxClusters: 100 } }), checkpointMs });
  return { store, engine, clock };
}

describe('the template table is bounded like the miner (issue 17)', () => {
  for (const checkpointMs of [1000, undefined]) {
    it(`holds the miner's live templates only, with evicted rows counted (${checkpointMs === undefined ? 'no checkpoints' : 'checkpoints'})`, async () => {
      const { store, engine } = run(checkpointMs);
      for (let b = 0; b < 10; b++) {
        await engine.process(source, { records: uniqueLines(100, b * 100).map((text) => ({ source: 'http', text, arrivalTs: 0 })) });
        // Written between batches: later evictions then delete rows already in the table.
        engine.checkpoint();
      }
      const miner = [...engine.streams()][0][1].miner;
      expect(miner.stats.evicted).toBeGreaterThan(800);
      const page = store.listTemplates({ limit: 1000 });
      // Exactly the miner's live templates, each with its count of 1.
      expect(page.total).toBe(miner.stats.clusters);
      expect(page.total).toBeLessThanOrEqual(100);
      expect(new Set(page.templates.map((t) => t.templateId))).toEqual(new Set(miner.templates().map((t) => t.templateId)));
      expect(page.templates.every((t) => t.count === 1)).toBe(true);
      // Every evicted template that reached the table was deleted and counted; none was written back.
      expect(store.evictedTemplateRows + page.total).toBeLessThanOrEqual(1000);
      expect(store.evictedTemplateRows).toBeGreaterThan(0);
      store.close();
    });
  }

  it('keeps the rows and counts of templates that stay in the miner', async () => {
    const { store, engine } = run(1000);
    const repeated = 'Connection from 10.0.0.1 closed';
    for (let b = 0; b < 5; b++) {
      await engine.process(source, { records: [repeated, ...uniqueLines(40, b * 40), repeated].map((text) => ({ source: 'http', text, arrivalTs: 0 })) });
      engine.checkpoint();
    }
    expect(store.evictedTemplateRows).toBeGreaterThan(0);
    const rows = store.listTemplates({ search: 'Connection from' }).templates;
    expect(rows).toHaveLength(1);
    expect(rows[0].count).toBe(10);
    store.close();
  });
});
