/**
 * @module eval/loghub
 * Loader for the Loghub 2k parsing benchmark (12 systems × 2,000 lines).
 *
 * Dataset layout (see the dataset README): `settings.json` with `systems.<S>.log_file` and
 * `systems.<S>.log_format` (plus Drain's own `regex`, `st`, `depth`, used only by the Drain3
 * peer), and per system `<S>/<S>_2k.log` (raw lines), `<S>_2k.log_structured.csv` (original
 * ground truth) and `<S>_2k.log_structured_corrected.csv` (corrected ground truth, the reference).
 *
 * Data: Loghub (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven Log
 * Analytics", ISSRE 2023, https://github.com/logpai/loghub). Corrected templates: Loghub-2.0
 * (Jiang et al., ISSTA 2024) and, for Android and Windows, Khan et al. (ICSE 2022).
 *
 * @example
 * const sys = await loadLoghubSystem('HDFS', { datasetDir: '/data/loghub' });
 * sys.corrected[0]; // { content: 'PacketResponder 1 for block …', eventId: 'E10', template: 'PacketResponder <*> for block <*> terminating' }
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AnomalogError } from '../core/errors.js';
import { parseCsvRecords } from './csv.js';

/** Where the Loghub copy is expected: the project's shared/ folder next to the clone (relative to the working directory); always overridable. */
export const DEFAULT_LOGHUB_DIR = '../shared/datasets/loghub';

const DATASET_HINT = 'Pass the Loghub 2k directory (the one holding settings.json) with --dataset DIR.';

export interface LoghubSettings {
  name: string;
  /** Path of the raw log relative to the dataset directory, e.g. `HDFS/HDFS_2k.log`. */
  logFile: string;
  /** Header layout in Loghub syntax, e.g. `<Date> <Time> <Pid> <Level> <Component>: <Content>`. */
  logFormat: string;
  /** Drain's per-dataset preprocessing regexes (for the Drain peer only). */
  regex: string[];
  /** Drain's per-dataset similarity threshold (for the Drain peer only). */
  st: number;
  /** Drain's per-dataset tree depth (for the Drain peer only). */
  depth: number;
}

export interface LoghubLine {
  content: string;
  eventId: string;
  template: string;
}

export interface LoghubSystem {
  name: string;
  settings: LoghubSettings;
  /** Raw lines exactly as published, line terminators removed. */
  rawLines: string[];
  /** Header fields of each line from the original structured CSV (e.g. Date, Level, Component). */
  headers: Record<string, string>[];
  /** Original ground truth (older papers, e.g. Drain's 0.865 mean GA). */
  original: LoghubLine[];
  /** Corrected ground truth: the reference. */
  corrected: LoghubLine[];
}

export interface LoghubOptions {
  /** Directory holding settings.json; default {@link DEFAULT_LOGHUB_DIR}. */
  datasetDir?: string;
}

/**
 * Split a raw log file into lines: `\n` separates lines, one `\r` before it is dropped
 * (CRLF files), and a final line break does not start an extra empty line.
 */
export function splitLogLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Cannot read the Loghub ${what} at ${path}.`, {
      hint: DATASET_HINT,
      cause: e,
    });
  }
}

function invalid(message: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', message, { hint: DATASET_HINT });
}

/** Read `settings.json` and return every system's settings, in file order. */
export async function loadLoghubSettings(opts: LoghubOptions = {}): Promise<LoghubSettings[]> {
  const dir = opts.datasetDir ?? DEFAULT_LOGHUB_DIR;
  const path = join(dir, 'settings.json');
  const text = await readText(path, 'settings file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${path} is not valid JSON.`, { hint: DATASET_HINT, cause: e });
  }
  const systems = (json as { systems?: unknown } | null)?.systems;
  if (typeof systems !== 'object' || systems === null) throw invalid(`${path} has no "systems" object.`);
  const out: LoghubSettings[] = [];
  for (const [name, raw] of Object.entries(systems as Record<string, unknown>)) {
    const s = raw as Record<string, unknown>;
    if (typeof s?.log_file !== 'string' || typeof s.log_format !== 'string') {
      throw invalid(`${path}: systems.${name} needs string "log_file" and "log_format".`);
    }
    out.push({
      name,
      logFile: s.log_file,
      logFormat: s.log_format,
      regex: Array.isArray(s.regex) ? s.regex.map(String) : [],
      st: typeof s.st === 'number' ? s.st : 0.5,
      depth: typeof s.depth === 'number' ? s.depth : 4,
    });
  }
  if (out.length === 0) throw invalid(`${path} lists no systems.`);
  return out;
}

async function loadTruth(path: string, what: string): Promise<{ lines: LoghubLine[]; headers: Record<string, string>[] }> {
  const { header, records } = parseCsvRecords(await readText(path, what), path);
  for (const col of ['Content', 'EventId', 'EventTemplate']) {
    if (!header.includes(col)) throw invalid(`${path} has no "${col}" column.`);
  }
  const meta = new Set(['LineId', 'Content', 'EventId', 'EventTemplate']);
  const headerCols = header.filter((h) => !meta.has(h));
  const lines: LoghubLine[] = new Array(records.length);
  const headers: Record<string, string>[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.LineId !== undefined && r.LineId !== String(i + 1)) {
      throw invalid(`${path}: row ${i + 1} has LineId ${r.LineId}; rows must be in line order.`);
    }
    lines[i] = { content: r.Content, eventId: r.EventId, template: r.EventTemplate };
    const h: Record<string, string> = {};
    for (const c of headerCols) h[c] = r[c];
    headers[i] = h;
  }
  return { lines, headers };
}

/** Load one system: raw lines, header fields, original and corrected ground truth. */
export async function loadLoghubSystem(name: string, opts: LoghubOptions = {}, settingsList?: LoghubSettings[]): Promise<LoghubSystem> {
  const dir = opts.datasetDir ?? DEFAULT_LOGHUB_DIR;
  const all = settingsList ?? (await loadLoghubSettings(opts));
  const settings = all.find((s) => s.name === name);
  if (!settings) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `Unknown Loghub system "${name}" in ${join(dir, 'settings.json')}.`, {
      hint: `Known systems: ${all.map((s) => s.name).join(', ')}.`,
    });
  }
  const logPath = join(dir, settings.logFile);
  const rawLines = splitLogLines(await readText(logPath, `log of ${name}`));
  const orig = await loadTruth(`${logPath}_structured.csv`, `original ground truth of ${name}`);
  const corr = await loadTruth(`${logPath}_structured_corrected.csv`, `corrected ground truth of ${name}`);
  if (orig.lines.length !== rawLines.length || corr.lines.length !== rawLines.length) {
    throw invalid(
      `${name}: ${rawLines.length} raw lines but ${orig.lines.length} original and ${corr.lines.length} corrected ground-truth rows.`,
    );
  }
  return { name, settings, rawLines, headers: orig.headers, original: orig.lines, corrected: corr.lines };
}

/** Load the named systems (default: all in settings.json, in its order). */
export async function loadLoghub(opts: LoghubOptions & { systems?: string[] } = {}): Promise<LoghubSystem[]> {
  const settings = await loadLoghubSettings(opts);
  const names = opts.systems && opts.systems.length > 0 ? opts.systems : settings.map((s) => s.name);
  const out: LoghubSystem[] = [];
  for (const n of names) out.push(await loadLoghubSystem(n, opts, settings));
  return out;
}
