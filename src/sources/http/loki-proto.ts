/**
 * @module sources/http/loki-proto
 * Loki's own push format, what Promtail and Grafana Alloy send by default: a Snappy-compressed
 * (block format) protobuf `logproto.PushRequest` — streams of a label set (`{job="api", app="x"}`)
 * and entries of a timestamp and a line. Decoded into the JSON push shape (`decodeLoki` takes it
 * from there), so both encodings become the same records. Hostile bodies: the uncompressed size is
 * bounded before anything is allocated, and a corrupt stream is an error, never a crash.
 *
 * push.proto: PushRequest { repeated StreamAdapter streams = 1; }
 *   StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 *   EntryAdapter { google.protobuf.Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; }
 *   Timestamp { int64 seconds = 1; int32 nanos = 2; }
 */
import { PbfReader } from 'pbf';
import { uncompress } from 'snappyjs';
import { readCappedString } from './proto-strings.js';
import { checkSnappyBlock } from './snappy-check.js';

export interface LokiJsonPush {
  streams: { stream: Record<string, string>; values: [string, string][] }[];
}

interface Entry {
  seconds: number;
  nanos: number;
  line: string;
}

/**
 * Snappy block → PushRequest → the JSON push shape; throws with a reason on a body it cannot read.
 * A line longer than `maxLineBytes` is decoded only in part (proto-strings.ts), still over-long.
 */
export function decodeLokiProtobuf(body: Uint8Array, maxUncompressedBytes: number, maxLineBytes = Number.POSITIVE_INFINITY): LokiJsonPush {
  let raw: Uint8Array;
  try {
    // Bounds first: snappyjs trusts literal lengths (a tiny body could keep the thread copying for seconds).
    checkSnappyBlock(body, maxUncompressedBytes);
    raw = uncompress(body, maxUncompressedBytes);
  } catch (e) {
    throw new Error(`not a Snappy-compressed Loki push (${(e as Error).message})`);
  }
  const streams: LokiJsonPush['streams'] = [];
  try {
    new PbfReader(raw).readFields(
      (tag, out, pbf) => {
        if (tag === 1) out.push(pbf.readMessage(streamReader(maxLineBytes), { stream: {}, values: [] }));
      },
      streams,
    );
  } catch (e) {
    throw new Error(`not a Loki PushRequest (${(e as Error).message})`);
  }
  return { streams };
}

function streamReader(maxLineBytes: number) {
  const readEntry = (tag: number, e: Entry, pbf: PbfReader): void => {
    if (tag === 1) pbf.readMessage(readTimestamp, e);
    else if (tag === 2) e.line = readCappedString(pbf, maxLineBytes);
  };
  return (tag: number, s: LokiJsonPush['streams'][number], pbf: PbfReader): void => {
    if (tag === 1) s.stream = parseLabels(pbf.readString());
    else if (tag === 2) {
      const e = pbf.readMessage(readEntry, { seconds: 0, nanos: 0, line: '' });
      s.values.push([`${e.seconds}${String(e.nanos).padStart(9, '0')}`, e.line]);
    }
  };
}

function readTimestamp(tag: number, e: Entry, pbf: PbfReader): void {
  if (tag === 1) e.seconds = Math.max(0, pbf.readVarint(true));
  else if (tag === 2) e.nanos = Math.min(999_999_999, Math.max(0, pbf.readVarint(true)));
}

/**
 * A Prometheus label set as Loki sends it: `{job="api", filename="/var/log/x.log"}`, values with
 * `\"`, `\\` and `\n` escapes. One pass over char codes; what does not parse ends the set (the
 * labels only name the source, a bad one must not reject the entries).
 */
export function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = s.indexOf('{') + 1;
  const n = s.length;
  while (i > 0 && i < n) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 44)) i++;
    const eq = s.indexOf('=', i);
    if (eq < 0 || s.charCodeAt(eq + 1) !== 34) break;
    const name = s.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92 && j + 1 < n) {
        const d = s[++j];
        value += d === 'n' ? '\n' : d;
      } else value += s[j];
    }
    if (j >= n) break;
    // Own properties only: a label named __proto__ stays a plain key.
    if (name !== '') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    i = j + 1;
  }
  return out;
}
