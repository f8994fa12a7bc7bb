import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAnomalogError } from '../../core/errors.js';
import { findStreamDatasets, loadLineLabelled, parseHdfsBlocks, parseLineLabelled } from './datasets.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/eval-stream/', import.meta.url));

describe('line-labelled logs (BGL, Thunderbird)', () => {
  it('strips the label token and keeps it aside, with the epoch seconds as the truth time', () => {
    const lines = parseLineLabelled('- 1117838570 2005.06.03 R02 a b\r\nKERNDTLB 1117838571 2005.06.03 R02 c d\r\n\r\n', 'file:x');
    expect(lines).toEqual([
      { source: 'file:x', text: '1117838570 2005.06.03 R02 a b', line: 1, ts: 1117838570000, label: null },
      { source: 'file:x', text: '1117838571 2005.06.03 R02 c d', line: 2, ts: 1117838571000, label: 'KERNDTLB' },
    ]);
  });

  it('reads the BGL_2k cut: 306 normal and 94 alert lines, no label left in the text', () => {
    const ds = loadLineLabelled(join(fixtures, 'BGL_2k.head400.log'), 'cut');
    expect(ds.lines).toHaveLength(400);
    expect(ds.lines.filter((l) => l.label === null)).toHaveLength(306);
    expect(ds.lines.every((l) => /^\d{10} \d{4}\.\d\d\.\d\d /.test(l.text))).toBe(true);
    expect(ds.episodes).toHaveLength(6);
    expect(ds.rule).toBe('time');
  });

  it('rejects a line without a label or time', () => {
    try {
      parseLineLabelled('nolabel\n', 'f');
      expect.unreachable();
    } catch (e) {
      expect(isAnomalogError(e) && e.code).toBe('ANOMALOG_ERR_DATASET_INVALID');
    }
    expect(() => parseLineLabelled('- notatime x\n', 'f')).toThrow(/epoch seconds/);
  });
});

describe('HDFS block labels', () => {
  it('makes one episode per anomalous block, its lines those that mention it', () => {
    const log = readFileSync(join(fixtures, 'HDFS_2k.head300.log'), 'utf8');
    const csv = readFileSync(join(fixtures, 'HDFS_2k.head300.block_labels.csv'), 'utf8');
    const { lines, episodes } = parseHdfsBlocks(log, csv, 'file:h');
    expect(lines).toHaveLength(300);
    expect(lines[0]).toMatchObject({ line: 1, ts: Date.UTC(2008, 10, 9, 20, 36, 15), label: null });
    expect(lines[0].text.endsWith('\r')).toBe(false);
    expect(episodes).toHaveLength(12);
    for (const e of episodes) {
      expect(e.key).toMatch(/^blk_-?\d+$/);
      for (const n of e.lines) {
        expect(lines[n - 1].text).toContain(e.key);
        expect(lines[n - 1].label).toBe('block');
      }
    }
    expect(lines.filter((l) => l.label !== null)).toHaveLength(new Set(episodes.flatMap((e) => e.lines)).size);
  });
});

describe('findStreamDatasets', () => {
  it('lists the labelled logs present in the shared layout, in a fixed order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalog-stream-ds-'));
    expect(findStreamDatasets(dir)).toEqual([]);
    mkdirSync(join(dir, 'loghub/Thunderbird'), { recursive: true });
    mkdirSync(join(dir, 'bgl'), { recursive: true });
    writeFileSync(join(dir, 'loghub/Thunderbird/Thunderbird_2k.log'), '- 1131566461 2005.11.09 dn228 x\n');
    writeFileSync(join(dir, 'bgl/BGL_20k.log'), '- 1117838570 2005.06.03 R02 x\n');
    const found = findStreamDatasets(dir);
    expect(found.map((d) => d.name)).toEqual(['BGL_20k', 'Thunderbird_2k']);
    expect(found[1].load()).toMatchObject({ name: 'Thunderbird_2k', kind: 'line-labels', episodes: [] });
  });
});
