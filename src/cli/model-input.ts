/**
 * @module cli/model-input
 * Input shared by `train` and `detect`: pre-parsed sequences (`--sequences FILE.csv`) or raw log
 * files parsed and grouped into sessions (`--session-key`, `--session-field`) or time windows
 * (`--window SIZE[,STEP]`). The template-miner state travels inside the model artifact, so detect
 * sees the template ids train learned.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AnomalogError } from '../core/errors.js';
import type { LogEvent } from '../core/event.js';
import { parseDuration, parseWindowSpec, type Windowing } from '../detectors/model/events.js';
import { loadSequences, selectSplit, type Sequence } from '../features/sequences.js';
import { addParseOptions, reportInputStats, runParser, type ParseCliOptions } from './parse-options.js';

export interface ModelInputOptions extends ParseCliOptions {
  sequences?: string;
  split?: string;
  sessionKey?: string;
  sessionField?: string;
  window?: string;
  inactivity?: string;
}

export function addModelInputOptions(cmd: Command): Command {
  cmd
    .option('--sequences <file>', 'pre-parsed sessions: CSV with SessionId (or BlockId) and EventSequence columns (Label is never used for fitting)')
    .option('--split <name>', "with --sequences: only rows whose Split column equals NAME (e.g. 'train')")
    .option('--session-key <regex>', 'group events into sessions by the first capture group (or the match) of REGEX in the message')
    .option('--session-field <name>', 'group events into sessions by a structured field (JSON key, logfmt key, format field)')
    .option('--window <size[,step]>', 'group events into time windows per source, e.g. 1h or 10m,1m (sliding)')
    .option('--inactivity <duration>', 'close a session after this much silence (event time)', '5m');
  return addParseOptions(cmd);
}

/** Windowing from the options, or null when none was given. */
export function windowingFrom(o: ModelInputOptions): Windowing | null {
  const n = [o.sessionKey, o.sessionField, o.window].filter((x) => x !== undefined).length;
  if (n > 1) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'Use only one of --session-key, --session-field and --window.');
  if (o.window) return parseWindowSpec(o.window);
  if (o.sessionKey !== undefined || o.sessionField !== undefined) {
    return { mode: 'session', key_regex: o.sessionKey, key_field: o.sessionField, inactivity_ms: parseDuration(o.inactivity ?? '5m') };
  }
  return null;
}

/** Loads `--sequences` (with `--split`). */
export function sequencesFrom(o: ModelInputOptions): Sequence[] {
  const ds = loadSequences(o.sequences as string);
  return (o.split ? selectSplit(ds, o.split) : ds).sequences;
}

/**
 * Parses FILE… in order with one template miner (restored from `minerState` when given), handing
 * each batch of events to `onEvents` as it is parsed; resolves to the miner state at the end.
 */
export async function streamFiles(files: string[], o: ModelInputOptions, onEvents: (events: LogEvent[]) => void, minerState?: unknown): Promise<unknown> {
  if (files.length === 0) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'Give log files, or --sequences FILE.csv.');
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-miner-'));
  const state = join(dir, 'miner.json');
  try {
    if (minerState !== undefined) writeFileSync(state, JSON.stringify(minerState));
    for (const f of files) reportInputStats(await runParser(f, { ...o, state, matchOnly: false }, onEvents));
    return JSON.parse(readFileSync(state, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Like `streamFiles`, keeping every batch (training needs them all). */
export async function parseFiles(files: string[], o: ModelInputOptions, minerState?: unknown): Promise<{ batches: LogEvent[][]; minerState: unknown }> {
  const batches: LogEvent[][] = [];
  const state = await streamFiles(files, o, (events) => batches.push(events), minerState);
  return { batches, minerState: state };
}
