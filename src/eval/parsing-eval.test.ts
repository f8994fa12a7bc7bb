import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateParser, formatParseReport, type ParseCallInfo } from './parsing-eval.js';
import { loadLoghub } from './loghub.js';
import { AnomalogError } from '../core/errors.js';

const MINI = fileURLToPath(new URL('../../test/fixtures/loghub-mini', import.meta.url));

/** Every line its own group, the line itself as template. */
const singletons = (lines: string[]) => ({ groupIds: lines.map((_, i) => i), templates: lines.slice() });

describe('evaluateParser', () => {
  it('scores a trivial parser per system on both truths (hand-computed on the fixture)', async () => {
    const r = await evaluateParser(singletons, { datasetDir: MINI, input: 'content' });
    const by = Object.fromEntries(r.systems.map((s) => [s.system, s]));
    // HDFS: E10 ×4, E6 ×1 → only the E6 line is a correct singleton.
    expect(by.HDFS.corrected.ga).toBeCloseTo(1 / 5, 12);
    expect(by.HDFS.corrected.pa).toBe(0);
    // Spark: E22, E4, E26 are singletons (E5 has 2 lines); E22 and E26 have no variables.
    expect(by.Spark.corrected.ga).toBeCloseTo(3 / 5, 12);
    expect(by.Spark.corrected.pa).toBeCloseTo(2 / 5, 12);
    // Proxifier: E2 ×4, E8 ×1.
    expect(by.Proxifier.corrected.ga).toBeCloseTo(1 / 5, 12);
    expect(r.mean.corrected.ga).toBeCloseTo((1 / 5 + 3 / 5 + 1 / 5) / 3, 12);
    expect(r.mean.corrected.pa).toBeCloseTo(2 / 15, 12);
  });

  it('uses the original truth for the original columns', async () => {
    const systems = await loadLoghub({ datasetDir: MINI });
    const truth = new Map(systems.flatMap((s) => s.corrected.map((l) => [l.content, l] as const)));
    // An oracle for the corrected truth: perfect there; HDFS's original templates say blk_<*>.
    const oracle = (lines: string[]) => ({
      groupIds: lines.map((c) => Number(truth.get(c)!.eventId.slice(1))),
      templates: lines.map((c) => truth.get(c)!.template),
    });
    const r = await evaluateParser(oracle, { datasetDir: MINI, input: 'content' });
    for (const s of r.systems) {
      expect(s.corrected.ga, s.system).toBe(1);
      expect(s.corrected.pa, s.system).toBe(1);
      expect(s.original.ga, s.system).toBe(1);
    }
    expect(r.systems.find((s) => s.system === 'HDFS')!.original.pa).toBe(0);
    expect(r.systems.find((s) => s.system === 'Spark')!.original.pa).toBe(1);
    expect(formatParseReport(r)).toContain('| HDFS | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 0.000 |');
  });

  it('feeds raw lines and the system log format by default', async () => {
    const seen: { system: string; first: string; info: ParseCallInfo }[] = [];
    await evaluateParser(
      (lines, system, info) => {
        seen.push({ system, first: lines[0], info });
        return singletons(lines);
      },
      { datasetDir: MINI, systems: ['HDFS'] },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0].first.startsWith('081109 203615 148 INFO dfs.DataNode$PacketResponder: ')).toBe(true);
    expect(seen[0].first.endsWith('\r')).toBe(false);
    expect(seen[0].info).toEqual({ logFormat: '<Date> <Time> <Pid> <Level> <Component>: <Content>', input: 'raw' });
  });

  it('rejects a parser that returns the wrong number of predictions', async () => {
    const bad = (lines: string[]) => ({ groupIds: [0], templates: lines.slice(0, 1) });
    await expect(evaluateParser(bad, { datasetDir: MINI, systems: ['HDFS'] })).rejects.toThrow(AnomalogError);
  });
});
