/**
 * @module parsers/formats/message-layout
 * Layout inference on the message of structured records (syslog, JSON, logfmt — OTLP and Loki
 * bodies arrive as these): relays put whole raw lines there (`Dec 10 06:55:46 LabSZ sshd[24200]:
 * …` inside an RFC 5424 message), whose own header would otherwise start every template and feed
 * the clock's seconds to the params detector.
 *
 * The layout is inferred from the first messages as they come — on 1, 2, 4, … 64 of them, since
 * a source that emits records cannot hold them back; a header must show a time, a level or a
 * leading bracketed field ({@link inferLayout}), so short samples do not invent one. After 64 the
 * layout is kept; when most of the last 256 messages stop fitting it is dropped and learned again
 * (counted in `changes`); while there is none, learning restarts every 1024 messages. A message
 * that fits loses its header; the record keeps its own time, and takes the header's level when it
 * has none.
 */
import type { LogRecord } from '../../core/event.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { kept } from '../../core/text.js';
import { INFER_LINE_CHARS, inferLayout } from './infer-layout.js';

const LEARN = 64;

/** Where learning and the misfit count stand: kept in the parser's snapshot, so a restored parser revises its layout when the running one would. */
export interface MessageLayoutState {
  layout: string | null;
  sample: string[] | null;
  seen: number;
  misfits: number;
  checked: number;
  changes: number;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
const CHECK_EVERY = 256;
const RETRY_EVERY = 1024;

export class MessageLayout {
  private header: HeaderPatternFormat | null = null;
  /** Messages collected while learning (null: not learning). */
  private sample: string[] | null = [];
  private seen = 0;
  private misfits = 0;
  private checked = 0;
  /** Layouts dropped or replaced after learning. */
  changes = 0;

  /** The layout in use, if any. */
  get layout(): string | null {
    return this.header === null ? null : this.header.layoutText;
  }

  /** Restores a layout (from parser state): no learning. */
  set(layout: string | null): void {
    this.header = layout === null ? null : new HeaderPatternFormat(layout);
    this.sample = null;
  }

  state(): MessageLayoutState {
    return { layout: this.layout, sample: this.sample === null ? null : this.sample.slice(), seen: this.seen, misfits: this.misfits, checked: this.checked, changes: this.changes };
  }

  /** Restores `state()` (a snapshot field: checked, a sample beyond `LEARN` lines is not one). */
  restoreState(s: Partial<MessageLayoutState>): void {
    this.set(typeof s.layout === 'string' ? s.layout : null);
    if (Array.isArray(s.sample) && s.sample.length < LEARN && s.sample.every((x) => typeof x === 'string')) this.sample = s.sample.slice();
    this.seen = count(s.seen);
    this.misfits = count(s.misfits);
    this.checked = count(s.checked);
    this.changes = count(s.changes);
  }

  apply(rec: LogRecord): LogRecord {
    const msg = rec.message;
    this.seen++;
    const sample = this.sample;
    if (sample !== null) this.learn(sample, msg);
    else if (this.header === null && this.seen % RETRY_EVERY === 0) this.sample = [];
    const h = this.header;
    if (h === null) return rec;
    const before = h.stats.unmatched;
    const r = h.extract(msg, rec.line ?? 0, rec.ts, rec.source);
    if (++this.checked % CHECK_EVERY === 0) this.check();
    if (h.stats.unmatched !== before) {
      this.misfits++;
      return rec;
    }
    return {
      ts: rec.ts,
      source: rec.source,
      level: rec.level ?? r.level,
      message: r.message,
      fields: rec.fields,
      raw: rec.raw,
      cursor: rec.cursor,
      line: rec.line,
      tsFromArrival: rec.tsFromArrival,
    };
  }

  private learn(sample: string[], msg: string): void {
    // The first line's head, copied: a message is the record's own string (a JSON record's message of
    // 1 MiB), and up to 64 of them sat here whole, in every parser snapshot too (issue 17). A slice
    // would keep the whole message alive (core/text.ts). Only while learning: 64 messages per source.
    const nl = msg.indexOf('\n');
    sample.push(kept(msg.slice(0, Math.min(nl === -1 ? msg.length : nl, INFER_LINE_CHARS))));
    const n = sample.length;
    if ((n & (n - 1)) !== 0 && n !== LEARN) return;
    const before = this.layout;
    const to = inferLayout(sample)?.layout ?? null;
    if (to !== before) this.header = to === null ? null : new HeaderPatternFormat(to);
    if (n >= LEARN) {
      this.sample = null;
      if (this.seen > LEARN && to !== null) this.changes++;
    }
  }

  private check(): void {
    const misfits = this.misfits;
    this.misfits = 0;
    if (misfits <= CHECK_EVERY / 2) return;
    // Most messages stopped fitting: forget the layout and learn again.
    this.header = null;
    this.sample = [];
    this.changes++;
  }
}
