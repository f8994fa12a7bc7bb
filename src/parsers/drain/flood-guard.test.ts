import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../core/parser.js';
import { LogParser } from '../pipeline.js';
import { TemplateMiner } from './miner.js';

/** Lines of six random lowercase words (as bench/unique-lines.ts): every line a new message type. */
function randomLines(n: number, seed: number): string[] {
  let s = seed;
  const r = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    for (let w = 0; w < 6; w++) {
      let word = '';
      for (let k = 0, len = 6 + Math.floor(r() * 5); k < len; k++) word += String.fromCharCode(97 + Math.floor(r() * 26));
      words.push(word);
    }
    out.push(words.join(' '));
  }
  return out;
}

const OVERFLOW6 = '<*> <*> <*> <*> <*> <*>';

describe('flood guard', () => {
  it('enters flood mode on a flood of new types: most lines go to one overflow template per token count', () => {
    const m = new TemplateMiner();
    const lines = randomLines(5000, 1);
    const r = lines.map((l) => m.add(l));
    expect(m.flood.flooding).toBe(true);
    expect(m.flood.entries).toBe(1);
    // Not before the miner holds 1,000 clusters (the end of the first window), then at once.
    expect(r.slice(0, 1000).every((x) => x.change === 'created')).toBe(true);
    const after = r.slice(1000);
    const overflow = after.filter((x) => x.template === OVERFLOW6);
    expect(new Set(overflow.map((x) => x.templateId)).size).toBe(1);
    expect(overflow.length).toBe(m.flood.overflowLines);
    // About 1 in 16 still mined as its own type.
    expect(overflow.length / after.length).toBeGreaterThan(0.9);
    expect(overflow.length / after.length).toBeLessThan(0.97);
    expect(m.stats.clusters).toBeLessThan(1000 + 4000 / 8);
    // It is listed (with its count) like any template.
    expect(m.templates()[0]).toMatchObject({ template: OVERFLOW6, count: overflow.length });
    // Other token counts have their own; an unmined line's params are its masked values (no word cut out).
    const three = randomLines(40, 7).map((l) => m.add(`${l.split(' ').slice(0, 2).join(' ')} 10.1.2.${l.length}`));
    const over3 = three.filter((x) => x.template === '<*> <*> <*>');
    expect(over3.length).toBeGreaterThan(30);
    expect(over3[0].templateId).not.toBe(overflow[0].templateId);
    expect(over3[0].params).toEqual([expect.stringMatching(/^10\.1\.2\.\d+$/)]);
  });

  it('leaves flood mode when the flood ends, and mines every line again', () => {
    const m = new TemplateMiner();
    for (const l of randomLines(3000, 2)) m.add(l);
    expect(m.flood.flooding).toBe(true);
    const templ = Array.from({ length: 5 }, (_, k) => `worker ${k} finished job in <n> ms`);
    let overflowAfterLeave = 0;
    let left = -1;
    for (let i = 0; i < 3000; i++) {
      const r = m.add(templ[i % 5].replace('<n>', String(i)));
      if (left >= 0 && r.template.startsWith('<*>')) overflowAfterLeave++;
      if (left < 0 && !m.flood.flooding) left = i;
    }
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThan(2000);
    expect(overflowAfterLeave).toBe(0);
    expect(m.flood.floodLines).toBeGreaterThan(1000);
    // A new type after the flood is its own template at once.
    expect(m.add('disk sda1 almost full').change).toBe('created');
  });

  it('learns a type that recurs during a flood after a few sightings', () => {
    const m = new TemplateMiner();
    const flood = randomLines(8000, 3);
    const seen: string[] = [];
    for (let i = 0; i < flood.length; i++) {
      m.add(flood[i]);
      if (i >= 2000 && i % 20 === 0) seen.push(m.add(`Connection from 10.0.${i % 250}.${i % 7} closed after ${i} ms`).template);
    }
    expect(m.flood.flooding).toBe(true);
    const first = seen.findIndex((t) => t.startsWith('Connection from'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(80);
    // Once learned it matches through the tree like any template.
    expect(seen.slice(first).every((t) => t === 'Connection from <IP> closed after <NUM> ms')).toBe(true);
  });

  it('is deterministic across a snapshot and restore', () => {
    const lines = randomLines(6000, 4).map((l, i) => (i % 50 === 0 ? `Queue ${i % 3} drained in ${i} ms` : l));
    const a = new TemplateMiner();
    for (const l of lines.slice(0, 3500)) a.add(l);
    expect(a.flood.flooding).toBe(true);
    const saved = JSON.parse(JSON.stringify(a.snapshot())) as Snapshot;
    expect(saved.version).toBe(2);
    const b = new TemplateMiner();
    b.restore(saved);
    expect(b.flood).toEqual(a.flood);
    const rest = lines.slice(3500);
    const ra = rest.map((l) => a.add(l));
    const rb = rest.map((l) => b.add(l));
    expect(rb.map((x) => [x.templateId, x.template, x.change])).toEqual(ra.map((x) => [x.templateId, x.template, x.change]));
    expect(b.snapshot()).toEqual(a.snapshot());
    // The restored miner goes on filling the same overflow template (same id, not a new one).
    expect(rb.filter((x) => x.template === OVERFLOW6 && x.change === 'created')).toHaveLength(0);
  });

  it('loads a snapshot from before the guard (version 1, no flood state)', () => {
    const m = new TemplateMiner();
    m.add('user alice logged in');
    const s = m.snapshot();
    expect(s.version).toBe(1);
    const old = { ...s, data: { ...(s.data as object), flood: undefined } } as Snapshot;
    const b = new TemplateMiner();
    b.restore(old);
    expect(b.flood).toEqual({ flooding: false, entries: 0, overflowLines: 0, floodLines: 0 });
    expect(b.add('user bob logged in').templateId).toBe(m.add('user bob logged in').templateId);
  });

  it('can be turned off: every unique line opens its own template', () => {
    const m = new TemplateMiner({ flood: { enabled: false } });
    const r = randomLines(3000, 5).map((l) => m.add(l));
    expect(r.every((x) => x.change === 'created')).toBe(true);
    expect(m.flood).toEqual({ flooding: false, entries: 0, overflowLines: 0, floodLines: 0 });
  });

  it('never enters flood mode on the committed real logs, even with a 100-line window and no cluster minimum', () => {
    const fixtures = [
      ['BGL', readFileSync('test/fixtures/eval-stream/BGL_2k.head400.log', 'utf8').split('\n').map((l) => l.slice(l.indexOf(' ') + 1))],
      ['HDFS', readFileSync('test/fixtures/eval-stream/HDFS_2k.head300.log', 'utf8').split(/\r?\n/)],
      ['OpenSSH', readFileSync('test/fixtures/eval-stream/OpenSSH_2k.head200.log', 'utf8').split(/\r?\n/)],
      ['dpkg', readFileSync('test/fixtures/logs/dpkg/dpkg-bursts.log', 'utf8').split('\n')],
    ] as const;
    for (const [name, lines] of fixtures) {
      const p = new LogParser({ source: name, miner: { flood: { window: 100, minClusters: 0 } } });
      const events = p.pushLines(lines.filter((l) => l.length > 0).map((text, i) => ({ text, line: i + 1 })), 0);
      expect(events.length, name).toBeGreaterThan(150);
      expect(p.miner.flood.entries, name).toBe(0);
    }
    // The same window on a flood enters.
    const p = new LogParser({ source: 'flood', miner: { flood: { window: 100, minClusters: 0 } } });
    p.pushLines(randomLines(300, 6).map((text, i) => ({ text, line: i + 1 })), 0);
    expect(p.miner.flood.entries).toBe(1);
  });
});
