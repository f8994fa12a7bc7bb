/**
 * @module parsers/formats/level
 * Severity names and numbers from many conventions → one canonical lower-case level:
 * `trace`, `debug`, `info`, `notice`, `warn`, `error`, `fatal`. Unknown text → undefined (the raw
 * value stays in the record's fields), so a header field that a layout calls `<Level>` but that
 * holds a host name (Loghub Linux) does not become a level.
 */

const BASE: Record<string, string> = {
  trace: 'trace', trc: 'trace', finest: 'trace', finer: 'trace', verbose: 'trace', v: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug', d: 'debug', config: 'debug',
  info: 'info', inf: 'info', information: 'info', informational: 'info', i: 'info',
  notice: 'notice', n: 'notice',
  warn: 'warn', warning: 'warn', wrn: 'warn', w: 'warn',
  error: 'error', err: 'error', e: 'error', severe: 'error', failure: 'error',
  fatal: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal',
  panic: 'fatal', f: 'fatal', a: 'fatal', c: 'fatal',
};

/** Lower, UPPER and Capitalised spellings, so the common cases need no case folding. */
const NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(BASE).flatMap(([k, v]) => [
    [k, v],
    [k.toUpperCase(), v],
    [k[0].toUpperCase() + k.slice(1), v],
  ]),
);

/** Syslog severities 0–7 (RFC 5424 §6.2.1). */
export const SYSLOG_SEVERITY = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'notice', 'info', 'debug'] as const;

/** Canonical level of a textual or numeric level; undefined when unknown. */
export function normalizeLevel(v: unknown): string | undefined {
  if (typeof v === 'number') return levelFromNumber(v);
  if (typeof v !== 'string') return undefined;
  const s = v.length <= 13 ? v : '';
  const hit = NAMES.get(s) ?? NAMES.get(s.trim().toLowerCase());
  if (hit !== undefined) return hit;
  if (s.length > 0 && s.length <= 2 && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57) return levelFromNumber(Number(s));
  return undefined;
}

/** pino/bunyan numbers (10 trace … 60 fatal); 0–7 are read as syslog severities. */
function levelFromNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0) return undefined;
  if (n <= 7) return SYSLOG_SEVERITY[n];
  if (n < 10) return undefined;
  if (n < 20) return 'trace';
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}
