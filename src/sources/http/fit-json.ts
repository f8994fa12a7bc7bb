/**
 * @module sources/http/fit-json
 * An over-long JSON record cut so that it stays JSON. A document from `_bulk` or an NDJSON line is
 * the record's text as JSON; cut at `max_line_bytes` like a plain line, it stops parsing and the
 * record loses its fields (level, time, host): it is mined as raw JSON text. Instead its longest
 * string values are shortened until the document fits, so the JSON parser still reads every field
 * and only the long value (a stack trace, a 10 MB hostile string) is cut.
 */
import { parseJsonObject } from '../../core/json.js';

/** At most this many values are shortened before falling back to a plain cut (a document of many long values). */
const MAX_ROUNDS = 16;

/**
 * `text` (a JSON object over `maxBytes` UTF-8 bytes) with its longest string values cut at character
 * boundaries so that the whole is at most `maxBytes` bytes and still parses to an object with the same
 * keys; undefined when `text` is not a JSON object or cannot be made to fit that way.
 */
export function fitJsonText(text: string, maxBytes: number): string | undefined {
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  const v = parseJsonObject(text);
  if (v === undefined) return undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const s = JSON.stringify(v);
    const over = Buffer.byteLength(s, 'utf8') - maxBytes;
    if (over <= 0) return s;
    const at = longestString(v);
    if (at === undefined) return undefined;
    const [holder, key, value] = at;
    // The longest prefix whose JSON fits what the rest of the document leaves: the same cut whatever
    // followed it (a value already cut while the body streamed in is cut here at the same place).
    const encoded = Buffer.byteLength(JSON.stringify(value), 'utf8');
    holder[key] = prefixEncodedWithin(value, encoded - over - 2);
    if (holder[key] === value) return undefined;
  }
  return undefined;
}

/** The longest string value in `v` (not a key), as [its holder, its key or index, the string]. */
function longestString(v: object): [Record<string | number, unknown>, string | number, string] | undefined {
  let best: [Record<string | number, unknown>, string | number, string] | undefined;
  const stack: object[] = [v];
  while (stack.length > 0) {
    const o = stack.pop() as Record<string | number, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (typeof x === 'string') {
        if (x.length > 0 && (best === undefined || x.length > best[2].length)) best = [o, Array.isArray(o) ? Number(k) : k, x];
      } else if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return best;
}

/** The longest prefix of `s` whose JSON string encoding (without its quotes) takes at most `budget` UTF-8 bytes. */
function prefixEncodedWithin(s: string, budget: number): string {
  let used = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    let units = 1;
    let cost: number;
    if (c === 0x22 || c === 0x5c) cost = 2;
    else if (c < 0x20) cost = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) cost = 1;
    else if (c < 0x800) cost = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      cost = 4;
      units = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) cost = 6; // a lone surrogate: JSON.stringify writes \udXXX
    else cost = 3;
    if (used + cost > budget) break;
    used += cost;
    i += units;
  }
  return s.slice(0, i);
}
