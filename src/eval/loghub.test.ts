import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGHUB_DIR, loadLoghub, loadLoghubSettings, loadLoghubSystem, splitLogLines } from './loghub.js';
import { AnomalogError } from '../core/errors.js';

const MINI = fileURLToPath(new URL('../../test/fixtures/loghub-mini', import.meta.url));

describe('splitLogLines', () => {
  it('drops CR of CRLF and does not invent a last empty line', () => {
    expect(splitLogLines('a\r\nb\r\n')).toEqual(['a', 'b']);
    expect(splitLogLines('a\r\nb')).toEqual(['a', 'b']);
    expect(splitLogLines('a\nb')).toEqual(['a', 'b']);
  });

  it('keeps empty lines in the middle and a CR inside a line', () => {
    expect(splitLogLines('a\n\nb\rc\n')).toEqual(['a', '', 'b\rc']);
    expect(splitLogLines('')).toEqual([]);
  });
});

describe('loadLoghub on the mini fixture', () => {
  it('reads settings in file order with Drain parameters', async () => {
    const s = await loadLoghubSettings({ datasetDir: MINI });
    expect(s.map((x) => x.name)).toEqual(['HDFS', 'Spark', 'Proxifier']);
    expect(s[0].logFormat).toBe('<Date> <Time> <Pid> <Level> <Component>: <Content>');
    expect(s[0].regex.length).toBe(2);
    expect(s[0].st).toBe(0.5);
  });

  it('loads raw CRLF lines, header fields and both truths', async () => {
    const hdfs = await loadLoghubSystem('HDFS', { datasetDir: MINI });
    expect(hdfs.rawLines).toHaveLength(5);
    expect(hdfs.rawLines.some((l) => l.includes('\r'))).toBe(false);
    expect(hdfs.rawLines[0].endsWith(hdfs.corrected[0].content)).toBe(true);
    expect(hdfs.headers[0].Level).toBe('INFO');
    expect(hdfs.headers[0].Content).toBeUndefined();
    expect(hdfs.original[0].template).toBe('PacketResponder <*> for block blk_<*> terminating');
    expect(hdfs.corrected[0].template).toBe('PacketResponder <*> for block <*> terminating');
    expect(hdfs.corrected[2].eventId).toBe('E6');
  });

  it('handles LF without a final newline and quoted CSV fields with commas', async () => {
    const [spark, prox] = await loadLoghub({ datasetDir: MINI, systems: ['Spark', 'Proxifier'] });
    expect(prox.rawLines).toHaveLength(5);
    expect(prox.corrected[3].content).toBe('proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01');
    expect(spark.corrected[0].content).toBe('Registered signal handlers for [TERM, HUP, INT]');
    for (let i = 0; i < 5; i++) expect(spark.rawLines[i].endsWith(spark.corrected[i].content)).toBe(true);
  });

  it('rejects an unknown system and names the known ones', async () => {
    await expect(loadLoghubSystem('Nope', { datasetDir: MINI })).rejects.toThrow(AnomalogError);
    await loadLoghubSystem('Nope', { datasetDir: MINI }).catch((e: AnomalogError) => {
      expect(e.code).toBe('ANOMALOG_ERR_DATASET_INVALID');
      expect(e.hint).toContain('HDFS, Spark, Proxifier');
    });
  });

  it('fails with a hint when the dataset directory is absent', async () => {
    const err = await loadLoghubSettings({ datasetDir: '/nonexistent/loghub' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnomalogError);
    expect((err as AnomalogError).code).toBe('ANOMALOG_ERR_DATASET_INVALID');
    expect((err as AnomalogError).message).toContain('/nonexistent/loghub/settings.json');
    expect((err as AnomalogError).hint).toContain('--dataset');
  });
});

// Runs where the shared Loghub copy is provisioned (the project machine); elsewhere there is nothing to read.
describe.runIf(existsSync(DEFAULT_LOGHUB_DIR))(`the full Loghub 2k copy at ${DEFAULT_LOGHUB_DIR}`, () => {
  it('loads 12 systems × 2,000 lines whose Content is contained in each raw line', async () => {
    const systems = await loadLoghub();
    expect(systems).toHaveLength(12);
    for (const s of systems) {
      expect(s.rawLines, s.name).toHaveLength(2000);
      expect(s.corrected, s.name).toHaveLength(2000);
      for (let i = 0; i < s.rawLines.length; i++) {
        if (!s.rawLines[i].includes(s.corrected[i].content)) throw new Error(`${s.name} line ${i + 1}: Content not in raw line`);
      }
    }
  });
});
