/**
 * @module parsers/formats/detect
 * Choosing a format: `createFormat` from a spec or a `--format` string; `detectFormat` from a sample.
 */
import { AnomalogError } from '../../core/errors.js';
import { AccessLogFormat, parseAccessLine } from './access-log.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { InferredFormat } from './inferred.js';
import { JsonFormat, parseObject } from './json.js';
import { LogfmtFormat, parseLogfmt } from './logfmt.js';
import { PlainFormat } from './plain.js';
import { SyslogFormat } from './syslog.js';
import type { FormatKind, FormatSpec, RecordFormat } from './types.js';

const KINDS: readonly FormatKind[] = ['json', 'logfmt', 'syslog', 'access-log', 'plain', 'header', 'inferred'];

/** A spec, a format name, or a layout string (one holding `<Content>` or `<Message>`) → a format. */
export function createFormat(spec: FormatSpec | string): RecordFormat {
  // A spec whose kind is an alias (`nginx`, `ndjson`) or a layout is read like `--format` text.
  const s = typeof spec === 'string' ? parseSpec(spec) : KINDS.includes(spec.kind) ? spec : parseSpec(String(spec.kind));
  switch (s.kind) {
    case 'header':
      if (s.layout === undefined) throw invalid('A header format needs a layout.');
      return new HeaderPatternFormat(s.layout);
    case 'plain':
      return new PlainFormat();
    case 'inferred':
      return new InferredFormat(s.layout ?? null);
    case 'json':
      return new JsonFormat();
    case 'logfmt':
      return new LogfmtFormat();
    case 'syslog':
      return new SyslogFormat();
    case 'access-log':
      return new AccessLogFormat();
    default:
      throw invalid(`Unknown format "${String((s as FormatSpec).kind)}".`);
  }
}

/** `--format` text → spec: a known name, or a layout string. */
export function parseSpec(text: string): FormatSpec {
  if (/<(?:Content|Message)>/i.test(text)) return { kind: 'header', layout: text };
  const name = text.trim().toLowerCase();
  if (name === 'access' || name === 'apache' || name === 'nginx') return { kind: 'access-log' };
  if (name === 'jsonl' || name === 'ndjson') return { kind: 'json' };
  if ((KINDS as readonly string[]).includes(name) && name !== 'header' && name !== 'inferred') return { kind: name as FormatKind };
  throw invalid(`Unknown format "${text}".`);
}

/** Share of sample lines a structured format must explain to be chosen. */
export const DETECT_MIN_SHARE = 0.6;
/** Lines looked at by default. */
export const DETECT_SAMPLE = 50;

/**
 * Picks a format from the first non-empty sample lines (at most `maxLines`, default
 * {@link DETECT_SAMPLE}): the structured format (json, access-log, syslog, logfmt — in that order
 * on ties) that parses the largest share of them, if that share is at least `minShare` (default
 * {@link DETECT_MIN_SHARE}); otherwise plain.
 * Lines that start with whitespace (continuations) are not counted against a format.
 */
export function detectFormat(
  sample: readonly string[],
  opts: { maxLines?: number; minShare?: number } = {},
): FormatSpec {
  const maxLines = opts.maxLines ?? DETECT_SAMPLE;
  const minShare = opts.minShare ?? DETECT_MIN_SHARE;
  let total = 0;
  let json = 0;
  let access = 0;
  let syslog = 0;
  let logfmt = 0;
  const sys = new SyslogFormat();
  const pairs: Record<string, string | true> = {};
  for (let i = 0; i < sample.length && total < maxLines; i++) {
    const line = sample[i];
    const c = line.charCodeAt(0);
    if (line.length === 0 || c === 32 || c === 9) continue;
    total++;
    if (parseObject(line) !== null) json++;
    else if (parseAccessLine(line) !== null) access++;
    else if (sys.isRecordStart(line)) syslog++;
    else if (looksLogfmt(line, pairs)) logfmt++;
  }
  if (total === 0) return { kind: 'plain' };
  const ranked: [FormatKind, number][] = [
    ['json', json],
    ['access-log', access],
    ['syslog', syslog],
    ['logfmt', logfmt],
  ];
  let best: [FormatKind, number] = ['plain', 0];
  for (const r of ranked) if (r[1] > best[1]) best = r;
  return best[1] / total >= minShare ? { kind: best[0] } : { kind: 'plain' };
}

/**
 * Characters of a line the logfmt check reads. Whether a line is logfmt shows in its first pairs;
 * reading all of a megabyte line (hostile input, cut only at `max_line_bytes`) cost 80–140 ms and
 * 13 MiB of garbage per line, for every sample line of every new source (issue 17).
 */
export const LOGFMT_HEAD_CHARS = 4096;

/** At least two `key=value` pairs, and pairs make up most of the tokens of the line's head. */
function looksLogfmt(line: string, scratch: Record<string, string | true>): boolean {
  for (const k of Object.keys(scratch)) delete scratch[k];
  // Cut after a space: no half pair at the end of the head.
  const head = line.length <= LOGFMT_HEAD_CHARS ? line : line.slice(0, Math.max(line.lastIndexOf(' ', LOGFMT_HEAD_CHARS), 1));
  const n = parseLogfmt(head, scratch);
  return n >= 2 && n >= Object.keys(scratch).length * 0.6;
}

function invalid(msg: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_FORMAT_INVALID', msg, {
    hint: 'Use json, logfmt, syslog, access-log, plain, or a layout such as "<Date> <Time> <Level> <Component>: <Content>".',
  });
}
