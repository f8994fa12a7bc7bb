/**
 * @module test/harness/loki-push
 * Loki protobuf push bodies for tests.
 */
import { PbfWriter } from 'pbf';
import { compress } from 'snappyjs';

/**
 * A logproto.PushRequest written field by field after Loki's push.proto (what Promtail's Go client
 * marshals), then Snappy block-compressed as Promtail sends it.
 */
export function lokiProtobuf(streams: { labels: string; entries: { s: number; ns: number; line: string }[] }[]): Uint8Array {
  const w = new PbfWriter();
  for (const st of streams) {
    w.writeMessage(
      1,
      (s: typeof st, pw: PbfWriter) => {
        pw.writeStringField(1, s.labels);
        for (const e of s.entries) {
          pw.writeMessage(
            2,
            (en: typeof e, ew: PbfWriter) => {
              ew.writeMessage(1, (t: typeof en, tw: PbfWriter) => (tw.writeVarintField(1, t.s), tw.writeVarintField(2, t.ns)), en);
              ew.writeStringField(2, en.line);
              // structuredMetadata: read past, not used.
              ew.writeMessage(3, (_: unknown, mw: PbfWriter) => (mw.writeStringField(1, 'trace_id'), mw.writeStringField(2, 'abc')), null);
            },
            e,
          );
        }
        pw.writeVarintField(3, 12345);
      },
      st,
    );
  }
  return compress(w.finish());
}
