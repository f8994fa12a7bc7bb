/**
 * @module features/sequences
 * Loader for pre-parsed research data (`--sequences FILE.csv`): one row per session with a
 * space-separated list of template ids. Labels and splits are returned **beside** the sequences,
 * never inside them, so nothing that fits a model can see a label.
 *
 * Accepted columns (header row, any order, other columns ignored): `SessionId` or `BlockId`
 * (the key), `EventSequence` (ids like `T5`, `E5` or `5`; loglizer's `['E5', 'E22']` form too),
 * optional `Label` (`Anomaly`/`Normal`, `1`/`0`, `true`/`false`), optional `Split`.
 */
import { readFileSync } from 'node:fs';
import { AnomalogError } from '../core/errors.js';

/** A session or window reduced to its ordered template ids; the unit every vectorizer takes. */
export interface Sequence {
  key: string;
  templates: Int32Array;
  /** Window bounds in epoch ms, when the sequence comes from a time or session window. */
  window?: { start: number; end: number };
  source?: string;
  /** Severity per event (0 = info/other, 1 = warning, 2 = error or worse), from raw logs. */
  levels?: Uint8Array;
}

const ERROR_LEVEL = /^(?:err|error|fatal|severe|crit|critical|alert|emerg|emergency|failure|panic)$/i;
const WARN_LEVEL = /^(?:warn|warning)$/i;

/** Severity class of a level string: 2 error or worse, 1 warning, 0 anything else. */
export function severityClass(level: string | undefined): 0 | 1 | 2 {
  if (!level) return 0;
  if (ERROR_LEVEL.test(level)) return 2;
  return WARN_LEVEL.test(level) ? 1 : 0;
}

export interface SequenceDataset {
  sequences: Sequence[];
  /** 1 = anomaly, 0 = normal, -1 = unknown; null when the file has no Label column. */
  labels: Int8Array | null;
  /** Value of the Split column per row (e.g. `train`/`test`); null when absent. */
  splits: string[] | null;
}

const KEY_COLUMNS = ['sessionid', 'blockid', 'session', 'key'];

/** Splits one CSV line, honouring double quotes (RFC 4180 `""` escapes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses `T5 T1 T22`, `5 1 22` or `['E5', 'E1']` into numeric template ids. */
export function parseTemplateIds(text: string): Int32Array {
  const parts = text.split(/[\s,[\]'"]+/);
  const ids: number[] = [];
  for (const p of parts) {
    if (p.length === 0) continue;
    const m = /^[A-Za-z]*(\d+)$/.exec(p);
    if (!m) {
      throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Template id "${p}" is not of the form T<n>, E<n> or <n>.`);
    }
    ids.push(Number(m[1]));
  }
  return Int32Array.from(ids);
}

/** Maps a label cell to 1 (anomaly), 0 (normal) or -1 (empty/unknown). */
export function parseLabel(cell: string): 1 | 0 | -1 {
  const v = cell.trim().toLowerCase();
  if (v === '') return -1;
  if (v === 'anomaly' || v === 'abnormal' || v === '1' || v === 'true' || v === 'anomalous') return 1;
  if (v === 'normal' || v === '0' || v === 'false') return 0;
  throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Label "${cell}" is neither Anomaly/Normal nor 1/0.`);
}

/** Parses CSV text in the sequences format. */
export function parseSequencesCsv(text: string, origin = 'input'): SequenceDataset {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const keyCol = header.findIndex((h) => KEY_COLUMNS.includes(h));
  const seqCol = header.indexOf('eventsequence');
  if (keyCol < 0 || seqCol < 0) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${origin}: the header needs SessionId (or BlockId) and EventSequence columns.`, {
      hint: 'Expected e.g. "SessionId,EventSequence,Label".',
    });
  }
  const labelCol = header.indexOf('label');
  const splitCol = header.indexOf('split');
  const sequences: Sequence[] = [];
  const labels: number[] = [];
  const splits: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    if (cells.length <= Math.max(keyCol, seqCol)) {
      throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${origin}:${i + 1}: expected at least ${Math.max(keyCol, seqCol) + 1} columns.`);
    }
    sequences.push({ key: cells[keyCol], templates: parseTemplateIds(cells[seqCol]) });
    if (labelCol >= 0) labels.push(parseLabel(cells[labelCol] ?? ''));
    if (splitCol >= 0) splits.push((cells[splitCol] ?? '').trim());
  }
  return {
    sequences,
    labels: labelCol >= 0 ? Int8Array.from(labels) : null,
    splits: splitCol >= 0 ? splits : null,
  };
}

/** Reads a sequences CSV file. */
export function loadSequences(path: string): SequenceDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read sequences file ${path}.`, { cause: e });
  }
  return parseSequencesCsv(text, path);
}

/** Rows whose Split equals `name` (all rows when the file has no Split column and `name` is null). */
export function selectSplit(ds: SequenceDataset, name: string): SequenceDataset {
  if (!ds.splits) throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', 'The sequences file has no Split column.');
  const idx: number[] = [];
  for (let i = 0; i < ds.splits.length; i++) if (ds.splits[i] === name) idx.push(i);
  return subset(ds, idx);
}

/** The rows at the given indices. */
export function subset(ds: SequenceDataset, idx: ArrayLike<number>): SequenceDataset {
  const sequences: Sequence[] = new Array(idx.length);
  const labels = ds.labels ? new Int8Array(idx.length) : null;
  const splits = ds.splits ? new Array<string>(idx.length) : null;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    sequences[j] = ds.sequences[i];
    if (labels && ds.labels) labels[j] = ds.labels[i];
    if (splits && ds.splits) splits[j] = ds.splits[i];
  }
  return { sequences, labels, splits };
}
