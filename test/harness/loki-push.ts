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

/** An OTLP ExportLogsServiceRequest written after opentelemetry-proto (logs/v1, common/v1, resource/v1). */
export function otlpProtobuf(service: string, records: { timeNs: number; severityNumber?: number; body: string | Record<string, string>; attrs?: Record<string, string> }[]): Uint8Array {
  const w = new PbfWriter();
  const kv = (pw: PbfWriter, field: number, key: string, value: string) =>
    pw.writeMessage(field, (_: unknown, k: PbfWriter) => (k.writeStringField(1, key), k.writeMessage(2, (__: unknown, v: PbfWriter) => v.writeStringField(1, value), null)), null);
  w.writeMessage(
    1,
    (_: unknown, rl: PbfWriter) => {
      rl.writeMessage(1, (__: unknown, res: PbfWriter) => kv(res, 1, 'service.name', service), null);
      rl.writeMessage(
        2,
        (___: unknown, sl: PbfWriter) => {
          for (const r of records) {
            sl.writeMessage(
              2,
              (rec: typeof r, lw: PbfWriter) => {
                lw.writeFixed64Field(1, rec.timeNs);
                if (rec.severityNumber !== undefined) lw.writeVarintField(2, rec.severityNumber);
                lw.writeMessage(
                  5,
                  (b: typeof rec.body, bw: PbfWriter) => {
                    if (typeof b === 'string') bw.writeStringField(1, b);
                    // kvlist_value = 6: KeyValueList { repeated KeyValue values = 1; }
                    else bw.writeMessage(6, (o: Record<string, string>, lw2: PbfWriter) => Object.entries(o).forEach(([k, v]) => kv(lw2, 1, k, v)), b);
                  },
                  rec.body,
                );
                for (const [k, v] of Object.entries(rec.attrs ?? {})) kv(lw, 6, k, v);
              },
              r,
            );
          }
        },
        null,
      );
    },
    null,
  );
  return w.finish();
}
