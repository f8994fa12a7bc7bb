/**
 * @module parsers/formats/syslog
 * Syslog lines: RFC 5424 (`<34>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [sd@1 k="v"] msg`)
 * and RFC 3164 / BSD (`<34>Oct 11 22:14:15 host sshd[1234]: msg`), each with or without the
 * `<PRI>` (files written by rsyslog/syslog-ng have none), and the common ISO-timestamp variant
 * (`2020-01-01T10:00:00.123+00:00 host tag[pid]: msg`, rsyslog's file format).
 *
 * Fields: `facility`, `severity` (numbers, from PRI), `hostname`, `appname`, `procid`, `msgid`
 * and `sd` (structured data: `{ id: { param: value } }`) for 5424; `hostname`, `appname`,
 * `procid` for 3164. Level from the PRI severity. RFC 3164 times have no year: it is inferred
 * from the arrival time (see timestamp.ts). The nil value `-` is left out.
 */
import type { LogRecord } from '../../core/event.js';
import { SYSLOG_SEVERITY } from './level.js';
import { TimestampParser } from './timestamp.js';
import type { FormatStats, RecordFormat } from './types.js';

const RFC3164_TIME = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? /;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? /;
const TAG = /^([^\s[:]{1,64})(?:\[([^\]\s]{0,32})\])?:(?: |$)/;

export class SyslogFormat implements RecordFormat {
  readonly name = 'syslog';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private readonly ts = new TimestampParser();

  isRecordStart(text: string): boolean {
    return this.parse(text, 0) !== null;
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    const r = this.parse(text, arrivalTs);
    if (r === null) {
      this.stats.unmatched++;
      return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
    }
    this.stats.matched++;
    const fromArrival = Number.isNaN(r.ts);
    return {
      ts: fromArrival ? arrivalTs : r.ts,
      source,
      level: r.severity >= 0 ? SYSLOG_SEVERITY[r.severity] : undefined,
      message: r.message,
      fields: r.fields,
      raw: text,
      line,
      tsFromArrival: fromArrival,
    };
  }

  /**
   * The header fields of a syslog message (`hostname`, `appname`, `procid`, `msgid`, `facility`,
   * `severity`, `sd`) as `extract` reads them, or undefined when it is not syslog: what a source needs
   * to name a record's source before it is parsed (`source_by`).
   */
  header(text: string): Record<string, unknown> | undefined {
    return this.parse(text, 0)?.fields;
  }

  private parse(text: string, arrivalTs: number): { ts: number; severity: number; message: string; fields: Record<string, unknown> } | null {
    const fields: Record<string, unknown> = {};
    let p = 0;
    let severity = -1;
    if (text.charCodeAt(0) === 60) {
      const close = text.indexOf('>');
      if (close < 2 || close > 4) return null;
      const pri = Number(text.slice(1, close));
      if (!Number.isInteger(pri) || pri < 0 || pri > 191) return null;
      severity = pri & 7;
      fields.facility = pri >> 3;
      fields.severity = severity;
      p = close + 1;
      if (text.charCodeAt(p) === 49 && text.charCodeAt(p + 1) === 32) return this.rfc5424(text, p + 2, arrivalTs, severity, fields);
    }
    const rest = text.slice(p);
    let ts: number;
    let after: number;
    const m = RFC3164_TIME.exec(rest) ?? ISO_TIME.exec(rest);
    if (m !== null) {
      ts = this.ts.parse(m[0], arrivalTs);
      after = m[0].length;
    } else if (severity >= 0) {
      ts = NaN; // <PRI> then no time: the rest is host/tag/message
      after = 0;
    } else return null;
    // HOSTNAME TAG[PID]: MSG — the host is one token; the tag may be missing. Lines sent to a
    // local socket have no host (`<13>Nov 24 01:19:24 root: msg`): a first token that is a tag
    // (ends with `:` or `]:`) is not taken for the host.
    const sp = rest.indexOf(' ', after);
    let body: string;
    if (m !== null && sp > after && rest.charCodeAt(sp - 1) === 58 && TAG.test(rest.slice(after, sp + 1))) {
      body = rest.slice(after);
    } else if (m !== null && sp > after) {
      fields.hostname = rest.slice(after, sp);
      body = rest.slice(sp + 1);
    } else if (m !== null) {
      fields.hostname = rest.slice(after);
      body = '';
    } else body = rest;
    const tag = TAG.exec(body);
    if (tag !== null) {
      fields.appname = tag[1];
      if (tag[2] !== undefined && tag[2] !== '') fields.procid = tag[2];
      body = body.slice(tag[0].length);
    }
    return { ts, severity, message: body, fields };
  }

  private rfc5424(text: string, p: number, arrivalTs: number, severity: number, fields: Record<string, unknown>) {
    const parts: string[] = [];
    for (let k = 0; k < 5; k++) {
      const sp = text.indexOf(' ', p);
      if (sp === -1) {
        parts.push(text.slice(p));
        p = text.length;
        break;
      }
      parts.push(text.slice(p, sp));
      p = sp + 1;
    }
    if (parts.length < 5) return null;
    const [time, host, app, proc, msgid] = parts;
    const ts = time === '-' ? NaN : this.ts.parse(time, arrivalTs);
    if (time !== '-' && Number.isNaN(ts)) return null;
    if (host !== '-') fields.hostname = host;
    if (app !== '-') fields.appname = app;
    if (proc !== '-') fields.procid = proc;
    if (msgid !== '-') fields.msgid = msgid;
    let message = '';
    if (text.charCodeAt(p) === 91) {
      const sd = parseStructuredData(text, p);
      if (sd === null) return null;
      fields.sd = sd.data;
      p = sd.end;
    } else if (text.charCodeAt(p) === 45) p++;
    if (text.charCodeAt(p) === 32) p++;
    message = text.slice(p);
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1); // RFC 5424 BOM before MSG
    return { ts, severity, message, fields };
  }
}

/** `[id k="v" k2="v\"2"][id2 …]` → `{ id: { k: 'v' } }`; null when malformed. */
export function parseStructuredData(text: string, p: number): { data: Record<string, Record<string, string>>; end: number } | null {
  const data: Record<string, Record<string, string>> = {};
  const n = text.length;
  while (p < n && text.charCodeAt(p) === 91) {
    p++;
    let s = p;
    while (p < n && text.charCodeAt(p) !== 32 && text.charCodeAt(p) !== 93) p++;
    const id = text.slice(s, p);
    const params: Record<string, string> = {};
    while (p < n && text.charCodeAt(p) === 32) {
      p++;
      s = p;
      while (p < n && text.charCodeAt(p) !== 61) p++;
      const name = text.slice(s, p);
      if (text.charCodeAt(p + 1) !== 34) return null;
      p += 2;
      let v = '';
      while (p < n && text.charCodeAt(p) !== 34) {
        if (text.charCodeAt(p) === 92 && p + 1 < n) p++;
        v += text[p];
        p++;
      }
      if (p >= n) return null;
      p++;
      params[name] = v;
    }
    if (text.charCodeAt(p) !== 93) return null;
    p++;
    data[id] = params;
  }
  return { data, end: p };
}
