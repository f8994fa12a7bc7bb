/**
 * @module sources/http/proto-strings
 * Protobuf string fields read with a bound (issue 17): a 10 MB log line in a Loki or OTLP push used to
 * become a 10 MB string on the main thread (old-generation memory until the next full collection)
 * before `boundRecords` cut it to `max_line_bytes`. Only the first `maxBytes` + a few bytes of an
 * over-long field are decoded: the text is still over-long, so `boundRecords` cuts it at the same
 * place as the whole string, marks the record `truncated` and counts it.
 */
import type { PbfReader } from 'pbf';

const utf8 = new TextDecoder('utf-8');

/**
 * The next string field of `pbf`, of at most about `maxBytes` + 7 UTF-8 bytes: `pbf.readString()` when
 * the field is not longer than that. An over-long field is decoded from its first `maxBytes` + 4 bytes
 * (4: a byte-order mark the decoder drops still leaves more than `maxBytes`), carried on to the end of
 * the character they stop in (at most 3 more continuation bytes): a prefix of the whole field's text at
 * a character boundary, longer than `maxBytes` bytes.
 */
export function readCappedString(pbf: PbfReader, maxBytes: number): string {
  const start = pbf.pos;
  const bytes = pbf.readBytes();
  let end = maxBytes + 4;
  if (!(bytes.length > end + 3)) {
    pbf.pos = start;
    return pbf.readString();
  }
  for (let extra = 0; extra < 3 && (bytes[end] & 0xc0) === 0x80; extra++) end++;
  return utf8.decode(bytes.subarray(0, end));
}
