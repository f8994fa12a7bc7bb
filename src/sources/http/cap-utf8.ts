/**
 * @module sources/http/cap-utf8
 * Cutting text at a UTF-8 byte bound; a cut is copied off the body it came from ({@link kept}).
 */
import { kept } from '../../core/text.js';

/** `s` cut to at most `maxBytes` UTF-8 bytes, at a character boundary (`s` itself when it fits). */
export function capUtf8(s: string, maxBytes: number): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4).
  if (s.length * 3 <= maxBytes) return s;
  if (s.length <= maxBytes && Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  // Each unit is at least one byte: the first maxBytes units hold the cut point.
  const buf = Buffer.from(s.length > maxBytes ? s.slice(0, maxBytes) : s, 'utf8');
  if (buf.length <= maxBytes) return kept(dropLoneHigh(s.slice(0, maxBytes)));
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

/** `s` without a trailing high surrogate (half of a pair the cut separated). */
function dropLoneHigh(s: string): string {
  const c = s.charCodeAt(s.length - 1);
  return c >= 0xd800 && c <= 0xdbff ? s.slice(0, -1) : s;
}
