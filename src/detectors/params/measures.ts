/**
 * @module detectors/params/measures
 * Which parameter positions of a template behave like measurements. Identifiers — ports, pids,
 * ids, counters, clock fields — are numbers too, but not metrics: a client's TCP port is not
 * "unusually low". A position is a measurement when its template says so: a `key=`/`key:` name of a
 * measured quantity (latency, duration, size, bytes, cpu…, or a unit such as `ms` as the key's last
 * part), a unit right after it (`<NUM>ms`, `<NUM> ms`, `<NUM> bytes`), a measured-quantity word just
 * before it (`took <NUM>`, `duration: <NUM>`), or a typed placeholder for one (`<DURATION>`,
 * `<SIZE>`). A value written with its unit (`160ms`, `5KB`) is a measurement wherever it stands.
 */

const PLACEHOLDER = /<[A-Z*]+>/g;
/** Names (a key's last part, or a word) of measured quantities and units. */
const MEASURE_NAME =
  /^(?:ms|msec|millis|milliseconds?|us|µs|usec|ns|nanos|s|sec|secs|seconds?|mins?|minutes?|latency|duration|elapsed|took|time|rt|rtt|response_?time|size|bytes?|len|length|mem|memory|heap|rss|cpu|load|usage|util|utilization|pct|percent|ratio|qps|rps|tps|throughput|wait|delay|lag|backlog|temp|temperature|kb|mb|gb|kib|mib|gib)$/i;
const UNIT_WORD = /^(?:ms|msec|millis|milliseconds?|us|µs|usec|ns|s|sec|secs|seconds?|mins?|minutes?|h|hours?|b|bytes?|kb|mb|gb|tb|kib|mib|gib|%|percent)\b/i;
const MEASURE_TYPES = new Set(['<DURATION>', '<SIZE>']);

/** One flag per placeholder of `template`, in order: true when it stands for a measurement. */
export function measurementPositions(template: string): boolean[] {
  const out: boolean[] = [];
  const tokens = template.split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    PLACEHOLDER.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PLACEHOLDER.exec(tok)) !== null) {
      const before = tok.slice(0, m.index);
      const after = tok.slice(m.index + m[0].length);
      out.push(MEASURE_TYPES.has(m[0]) || keyed(before) || UNIT_WORD.test(after) || (before === '' && after === '' && around(tokens[i - 1], tokens[i + 1])) || (before === '(' && UNIT_WORD.test(after.replace(/^\)/, ''))));
    }
  }
  return out;
}

/** `latency_ms=`, `req.ms=`, `duration:`: a key whose last part names a measured quantity. */
function keyed(before: string): boolean {
  const m = /([A-Za-z][A-Za-z0-9]*)\s*[=:]\s*["']?$/.exec(before);
  return m !== null && MEASURE_NAME.test(m[1]);
}

/** A bare placeholder between words: `duration: <NUM> ms`, `took <NUM>`, `<NUM> bytes`. */
function around(prev: string | undefined, next: string | undefined): boolean {
  if (next !== undefined && UNIT_WORD.test(next)) return true;
  if (prev === undefined) return false;
  const word = /([A-Za-z][A-Za-z0-9]*)[=:]?$/.exec(prev);
  return word !== null && MEASURE_NAME.test(word[1]);
}

/** True when the value carries its own unit (`160ms`, `1.5 s`, `5KB`, `80%`). */
export function hasUnit(value: string): boolean {
  const c = value.charCodeAt(value.length - 1);
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 37 || c === 181;
}
