/**
 * @module cli/parse-options
 * Options shared by the commands that parse logs, and the loop that runs the parser over input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { LogEvent } from '../core/event.js';
import { AnomalogError } from '../core/errors.js';
import type { LineSplitterStats } from '../parsers/lines/index.js';
import type { CustomMask } from '../parsers/masking/index.js';
import { LogParser } from '../parsers/pipeline.js';
import { type Clock, systemClock } from '../core/clock.js';
import { inputSize, readLineBatches } from './input.js';
import { Progress } from './progress.js';

export interface ParseCliOptions {
  format?: string;
  multiline: boolean;
  source?: string;
  maxLineBytes: number;
  state?: string;
  matchOnly?: boolean;
  similarity: number;
  mask: CustomMask[];
  /** The miner's flood guard (`parser.flood_guard`); `--no-flood-guard` sets false. Default on. */
  floodGuard?: boolean;
}

export function addParseOptions(cmd: Command): Command {
  return cmd
    .option('-f, --format <layout>', "record format: json, logfmt, syslog, access-log, plain, or a layout such as '<Date> <Time> <Level> <Component>: <Content>' (default: auto-detect)")
    .option('--no-multiline', 'do not join continuation lines (stack traces) into one event')
    .option('--source <name>', 'source name recorded on events (default: the file name)')
    .addOption(new Option('--max-line-bytes <n>', 'longer lines are truncated and counted').default(1 << 20).argParser(positiveInt('--max-line-bytes')))
    .option('--state <file>', 'load template-miner state from FILE if it exists and save it back at the end (stable template ids across runs)')
    .option('--match-only', 'match lines against known templates without learning new ones (with --state)')
    .option('--no-flood-guard', "mine every line even when most are new message types (by default such a flood, past 1,000 templates, goes to overflow templates '<*> …'; 1 in 16 is still mined)")
    .addOption(new Option('--similarity <x>', 'share of constant tokens that must agree to join a template').default(0.7).argParser(unitInterval('--similarity')))
    .addOption(
      new Option('--mask <NAME=REGEX>', 'extra variable mask, repeatable: matches become <NAME> (e.g. --mask ORDER=ORD-[0-9A-Z]+)')
        .default([] as CustomMask[])
        .argParser(collectMask),
    );
}

function collectMask(v: string, prev: CustomMask[]): CustomMask[] {
  const eq = v.indexOf('=');
  const name = eq > 0 ? v.slice(0, eq) : '';
  if (!/^[A-Z][A-Z0-9_]*$/.test(name) || eq === v.length - 1) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--mask expects NAME=REGEX with an upper-case NAME, got '${v}'.`);
  }
  const pattern = v.slice(eq + 1);
  try {
    new RegExp(pattern, 'g');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--mask ${name}: invalid regular expression: ${(e as Error).message}.`);
  }
  return [...prev, { name, pattern }];
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `${flag} must be a positive integer, got '${v}'.`);
    return n;
  };
}

function unitInterval(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0 && n <= 1)) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `${flag} must be a number within 0..1, got '${v}'.`);
    return n;
  };
}

export interface ParseRunResult {
  parser: LogParser;
  lines: LineSplitterStats | null;
}

/**
 * Streams FILE through a parser, handing each batch of events to `onEvents`. With `onEvents` null
 * no event is built at all (the caller needs only the miner's templates: `anomalog templates`).
 */
export async function runParser(file: string, opts: ParseCliOptions, onEvents: ((events: LogEvent[]) => void) | null, clock: Clock = systemClock): Promise<ParseRunResult> {
  const parser = new LogParser({
    source: opts.source ?? (file === '-' ? 'stdin' : file),
    format: opts.format,
    multiline: opts.multiline,
    miner: { similarityThreshold: opts.similarity, masking: { customMasks: opts.mask }, flood: { enabled: opts.floodGuard ?? true } },
  });
  if (opts.state && existsSync(opts.state)) parser.restore(readState(opts.state));
  if (opts.matchOnly && !opts.state) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', '--match-only needs --state FILE with templates learned before.', { hint: 'Run once with --state FILE to learn, then add --match-only.' });
  }
  const mode = opts.matchOnly ? 'match' : 'learn';
  const progress = new Progress(file === '-' ? 'stdin' : file, inputSize(file));
  let lineStats: LineSplitterStats | null = null;
  let count = 0;
  for await (const batch of readLineBatches(file, { maxLineBytes: opts.maxLineBytes, onEnd: (s) => (lineStats = s) })) {
    if (onEvents === null) parser.feedLines(batch.lines, clock.now(), mode);
    else {
      const events = parser.pushLines(batch.lines, clock.now(), mode);
      if (events.length) onEvents(events);
    }
    count += batch.lines.length;
    progress.update(count, batch.bytes);
  }
  if (onEvents === null) parser.feedEnd(clock.now(), mode);
  else {
    const rest = parser.flush(clock.now(), mode);
    if (rest.length) onEvents(rest);
  }
  progress.done();
  if (opts.state && !opts.matchOnly) writeFileSync(opts.state, JSON.stringify(parser.snapshot()));
  return { parser, lines: lineStats };
}

function readState(path: string) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Cannot read parser state ${path}: ${(e as Error).message}.`, { hint: 'Delete the file to start from scratch.' });
  }
}

/** One stderr line with what was dropped or repaired, so nothing is lost silently. */
export function reportInputStats(r: ParseRunResult): void {
  const s = r.lines;
  const p = r.parser.stats;
  const notes: string[] = [];
  if (s?.truncated) notes.push(`${s.truncated} lines truncated`);
  if (s?.invalidUtf8) notes.push(`${s.invalidUtf8} lines with invalid UTF-8`);
  if (s?.nulBytes) notes.push(`${s.nulBytes} NUL bytes replaced`);
  if (p.unmatched) notes.push(`${p.unmatched} record${p.unmatched === 1 ? '' : 's'} did not match the format (the first at line ${p.firstUnmatchedLine ?? '?'})`);
  if (r.parser.miner.stats.evicted) notes.push(`${r.parser.miner.stats.evicted} templates evicted`);
  // A flood sends lines to overflow templates unmined: say so, with the way out for a log that is really this varied.
  const overflow = r.parser.miner.flood.overflowLines;
  if (overflow) notes.push(`${overflow} line${overflow === 1 ? '' : 's'} of a flood of new message types went to overflow templates without being mined (--no-flood-guard mines every line)`);
  if (notes.length) process.stderr.write(`anomalog: ${notes.join(', ')}.\n`);
}
