/**
 * @module eval/stream/datasets
 * The labelled logs `eval stream` replays, one loader per kind of label:
 *
 * - **line labels** (`loadLineLabelled`): BGL and Thunderbird as Loghub publishes them — the first
 *   token of a line is its label (`-` normal, else the alert category), the second the epoch
 *   seconds. The label token is stripped; episodes as in episodes.ts.
 * - **block labels** (`loadHdfsBlocks`): HDFS_2k with `BlockId,Label` per block; a line is an alert
 *   line when it mentions an anomalous block, and each anomalous block is one episode.
 * - **the demo's incidents** (`demoDataset`, in demo-dataset.ts).
 *
 * `findStreamDatasets` lists the ones present under a datasets directory (`../shared/datasets` in
 * the project's layout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AnomalogError } from '../../core/errors.js';
import { EPISODE_GAP_MS, type Episode, type EpisodeOrder, type LabelledLine, segmentEpisodes } from './episodes.js';
import type { MatchRule } from './score.js';

export interface StreamDataset {
  name: string;
  /** How the truth is given (line labels, block labels, scripted incidents). */
  kind: 'line-labels' | 'block-labels' | 'demo';
  /** In replay order (the file's order: the order `serve` would read them in). */
  lines: LabelledLine[];
  episodes: Episode[];
  /** The rule deciding that an anomaly belongs to an episode (score.ts). */
  rule: MatchRule;
  /** Where the data comes from, for the report. */
  origin: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read ${file}.`, { cause: e, hint: 'Point --dataset at the datasets directory (../shared/datasets in the project layout).' });
  }
}

/** Splits on LF or CRLF, without the empty line after a final newline. */
function splitLines(text: string): string[] {
  const out = text.split(/\r?\n/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** A Loghub log whose first token is the label and second the epoch seconds (BGL, Thunderbird). */
export function parseLineLabelled(text: string, source: string): LabelledLine[] {
  const out: LabelledLine[] = [];
  splitLines(text).forEach((raw, i) => {
    if (raw.trim().length === 0) return;
    const sp = raw.indexOf(' ');
    if (sp <= 0) throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Line ${i + 1} of ${source} has no label token.`);
    const rest = raw.slice(sp + 1);
    const sec = Number(rest.slice(0, rest.indexOf(' ')));
    if (!Number.isFinite(sec)) throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Line ${i + 1} of ${source} has no epoch seconds after its label.`);
    const label = raw.slice(0, sp);
    out.push({ source, text: rest, line: out.length + 1, ts: sec * 1000, label: label === '-' ? null : label });
  });
  return out;
}

/** `order`: how episodes are cut (episodes.ts; `time` unless comparing with the shared check). */
export function loadLineLabelled(file: string, name = basename(file).replace(/\.log$/, ''), order: EpisodeOrder = 'time'): StreamDataset {
  const lines = parseLineLabelled(readText(file), `file:${basename(file)}`);
  return { name, kind: 'line-labels', lines, episodes: segmentEpisodes(lines, EPISODE_GAP_MS, order), rule: 'time', origin: file };
}

const BLOCK = /blk_-?\d+/g;
const HDFS_TIME = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) /;

/** HDFS lines (`yyMMdd HHmmss …`, UTC) with the labels of the blocks they mention. */
export function parseHdfsBlocks(logText: string, labelsCsv: string, source: string): { lines: LabelledLine[]; episodes: Episode[] } {
  const anomalous = new Set<string>();
  for (const row of splitLines(labelsCsv).slice(1)) {
    const [id, label] = row.split(',');
    if (label?.trim() === 'Anomaly') anomalous.add(id.trim());
  }
  const lines: LabelledLine[] = [];
  const byBlock = new Map<string, Episode>();
  splitLines(logText).forEach((text) => {
    const m = HDFS_TIME.exec(text);
    if (!m) throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Line ${lines.length + 1} of ${source} does not start with an HDFS time (yyMMdd HHmmss).`);
    const ts = Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    const line = lines.length + 1;
    const bad = [...new Set(text.match(BLOCK) ?? [])].filter((b) => anomalous.has(b));
    lines.push({ source, text, line, ts, label: bad.length > 0 ? 'block' : null });
    for (const b of bad) {
      const e = byBlock.get(b);
      if (e) {
        e.lines.push(line);
        e.start = Math.min(e.start, ts);
        e.end = Math.max(e.end, ts);
      } else byBlock.set(b, { index: 0, category: 'block', source, start: ts, end: ts, first: false, lines: [line], key: b });
    }
  });
  const episodes = [...byBlock.values()].sort((a, b) => a.start - b.start || a.lines[0] - b.lines[0]);
  episodes.forEach((e, i) => (e.index = i));
  return { lines, episodes };
}

export function loadHdfsBlocks(logFile: string, labelsFile: string, name = 'HDFS_2k'): StreamDataset {
  const { lines, episodes } = parseHdfsBlocks(readText(logFile), readText(labelsFile), `file:${basename(logFile)}`);
  return { name, kind: 'block-labels', lines, episodes, rule: 'lines', origin: `${logFile} + ${labelsFile}` };
}

/** A dataset `eval stream` can replay, found under a datasets directory. */
export interface StreamDatasetEntry {
  name: string;
  load(): StreamDataset;
}

/** The labelled logs present under `dir` (the layout of ../shared/datasets), in a fixed order. */
export function findStreamDatasets(dir: string, order: EpisodeOrder = 'time'): StreamDatasetEntry[] {
  const out: StreamDatasetEntry[] = [];
  const bgl20k = [join(dir, 'bgl/BGL_20k.log'), join(dir, 'BGL_20k.log')].find((f) => existsSync(f));
  if (bgl20k) out.push({ name: 'BGL_20k', load: () => loadLineLabelled(bgl20k, 'BGL_20k', order) });
  for (const system of ['BGL', 'Thunderbird']) {
    const f = join(dir, `loghub/${system}/${system}_2k.log`);
    if (existsSync(f)) out.push({ name: `${system}_2k`, load: () => loadLineLabelled(f, `${system}_2k`, order) });
  }
  const hdfsLog = join(dir, 'loghub/HDFS/HDFS_2k.log');
  const hdfsLabels = join(dir, 'hdfs/HDFS_2k.block_labels.csv');
  if (existsSync(hdfsLog) && existsSync(hdfsLabels)) out.push({ name: 'HDFS_2k', load: () => loadHdfsBlocks(hdfsLog, hdfsLabels) });
  return out;
}
