import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLineLabelled } from './datasets.js';
import { type LabelledLine, segmentEpisodes } from './episodes.js';

const HOUR = 3_600_000;
const line = (n: number, ts: number, label: string | null, source = 's'): LabelledLine => ({ source, text: `t${n}`, line: n, ts, label });

describe('segmentEpisodes', () => {
  it('joins alert lines of one category with gaps up to one hour, per category, and marks the first of each', () => {
    const eps = segmentEpisodes([
      line(1, 0, 'A'),
      line(2, 10, null),
      line(3, HOUR, 'A'), // gap of exactly 1 h: same episode
      line(4, HOUR + 5, 'B'), // another category interleaved
      line(5, 2 * HOUR + 1, 'A'), // 1 h + 1 ms after the last A: a new episode
      line(6, 2 * HOUR + 2, 'B'), // 1 h − 3 ms after the last B: same episode
    ]);
    expect(eps.map((e) => [e.category, e.start, e.end, e.first, e.lines])).toEqual([
      ['A', 0, HOUR, true, [1, 3]],
      ['B', HOUR + 5, 2 * HOUR + 2, true, [4, 6]],
      ['A', 2 * HOUR + 1, 2 * HOUR + 1, false, [5]],
    ]);
    expect(eps.map((e) => e.index)).toEqual([0, 1, 2]);
  });

  it('keeps sources apart', () => {
    const eps = segmentEpisodes([line(1, 0, 'A', 'x'), line(1, 1, 'A', 'y')]);
    expect(eps).toHaveLength(2);
    expect(eps.every((e) => e.first)).toBe(true);
  });

  it('cuts in time order: a file that jumps back joins the lines of one failure, and every episode starts before it ends', () => {
    // A sample made of two time-sorted runs: A at 0 and 10 h, then the file jumps back to 30 min.
    const lines = [line(1, 0, 'A'), line(2, 10 * HOUR, 'A'), line(3, 10 * HOUR + 60_000, 'B'), line(4, HOUR / 2, 'A'), line(5, 2 * HOUR, 'B')];
    const time = segmentEpisodes(lines);
    expect(time.map((e) => [e.category, e.start, e.end, e.first, e.lines])).toEqual([
      ['A', 0, HOUR / 2, true, [1, 4]],
      ['B', 2 * HOUR, 2 * HOUR, false, [5]], // earliest B, but line 3 was read first
      ['A', 10 * HOUR, 10 * HOUR, false, [2]],
      ['B', 10 * HOUR + 60_000, 10 * HOUR + 60_000, true, [3]],
    ]);
    expect(time.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    // The check's reading order: line 4 (30 min) joins the 10 h episode, which then "ends" before it starts.
    const reading = segmentEpisodes(lines, HOUR, 'reading');
    expect(reading.map((e) => [e.category, e.start, e.end, e.lines])).toEqual([
      ['A', 0, 0, [1]],
      ['A', 10 * HOUR, HOUR / 2, [2, 4]],
      ['B', 10 * HOUR + 60_000, 2 * HOUR, [3, 5]],
    ]);
  });

  it("cuts in the file's order with absolute gaps (`gap`): a jump back of months starts an episode, none is inverted", () => {
    const lines = [
      line(1, 0, 'A'),
      line(2, 10 * HOUR, 'A'),
      line(3, HOUR / 2, 'A'), // 9.5 h back: a new episode (reading order would join it to the 10 h one)
      line(4, HOUR / 4, 'A'), // 15 min earlier than the last line read: joins, and moves the start back
      line(5, HOUR / 4 + HOUR, 'A'), // exactly 1 h after the last line read: joins
      line(6, 10 * HOUR + 60_000, 'A'), // near the 10 h episode, but that one is closed: a new one
    ];
    const gap = segmentEpisodes(lines, HOUR, 'gap');
    expect(gap.map((e) => [e.start, e.end, e.first, e.lines])).toEqual([
      [0, 0, true, [1]],
      [10 * HOUR, 10 * HOUR, false, [2]],
      [HOUR / 4, HOUR / 4 + HOUR, false, [3, 4, 5]],
      [10 * HOUR + 60_000, 10 * HOUR + 60_000, false, [6]],
    ]);
    expect(gap.every((e) => e.start <= e.end)).toBe(true);
    expect(gap.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    // The check's rule on the same lines: 3, 4 and 5 join the 10 h episode, which "ends" before it starts.
    expect(segmentEpisodes(lines, HOUR, 'reading').map((e) => [e.start, e.end, e.lines])).toEqual([
      [0, 0, [1]],
      [10 * HOUR, HOUR / 4 + HOUR, [2, 3, 4, 5]],
      [10 * HOUR + 60_000, 10 * HOUR + 60_000, [6]],
    ]);
  });

  it('finds the episodes the check finds on a cut of BGL_2k (computed with its Python code)', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../test/fixtures/eval-stream/BGL_2k.head400.log', import.meta.url)), 'utf8');
    const eps = segmentEpisodes(parseLineLabelled(text, 'bgl'), HOUR, 'reading');
    expect(eps.map((e) => [e.category, e.start, e.end, e.first, e.lines.length, e.lines[0]])).toEqual([
      ['APPREAD', 1117869872000, 1117869876000, true, 2, 9],
      ['KERNDTLB', 1118536327000, 1118557583000, true, 60, 104],
      ['KERNSTOR', 1118709403000, 1118709851000, true, 8, 166],
      ['KERNSTOR', 1118765205000, 1118769444000, false, 22, 186],
      ['APPREAD', 1118958902000, 1118958902000, false, 1, 346],
      ['APPCHILD', 1119319455000, 1119319455000, true, 1, 363],
    ]);
    // This cut is sorted by time, so time order and absolute gaps find the same episodes.
    const shape = (es: ReturnType<typeof segmentEpisodes>) => es.map((e) => [e.category, e.start, e.end, e.first, e.lines.length, e.lines[0]]);
    expect(shape(segmentEpisodes(parseLineLabelled(text, 'bgl')))).toEqual(shape(eps));
    expect(shape(segmentEpisodes(parseLineLabelled(text, 'bgl'), HOUR, 'gap'))).toEqual(shape(eps));
  });
});
