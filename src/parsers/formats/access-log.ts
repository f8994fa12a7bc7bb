/**
 * @module parsers/formats/access-log
 * Apache/nginx access logs, Common and Combined Log Format (extra trailing fields allowed, as
 * nginx configurations often add `"$http_x_forwarded_for"` or a request time):
 * `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif?x=1 HTTP/1.0" 200 2326 "ref" "UA"`.
 *
 * The message is `METHOD PATH PROTOCOL STATUS` with the query string cut off (`GET /a.gif
 * HTTP/1.0 200`): an endpoint × status is the event worth a template, while client, size,
 * referer, user agent and query values would only multiply templates; they go to `fields`
 * (`client`, `ident`, `user`, `method`, `path`, `query`, `protocol`, `status`, `bytes`, `referer`,
 * `user_agent`, `extra`). Level: 5xx → error, 4xx → warn, otherwise info. A request line that is
 * not `METHOD TARGET PROTOCOL` (a TLS handshake sent to a plain-HTTP port, `-`) keeps its text.
 */
import type { LogRecord } from '../../core/event.js';
import { TimestampParser } from './timestamp.js';
import type { FormatStats, RecordFormat } from './types.js';

export interface AccessFields {
  client: string;
  ident?: string;
  user?: string;
  method?: string;
  path?: string;
  query?: string;
  protocol?: string;
  request: string;
  status: number;
  bytes?: number;
  referer?: string;
  user_agent?: string;
  extra?: string;
  time: string;
}

export class AccessLogFormat implements RecordFormat {
  readonly name = 'access-log';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private readonly ts = new TimestampParser();

  isRecordStart(text: string): boolean {
    return parseAccessLine(text) !== null;
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    const f = parseAccessLine(text);
    if (f === null) {
      this.stats.unmatched++;
      return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
    }
    this.stats.matched++;
    const t = this.ts.parse(f.time, arrivalTs);
    const fromArrival = Number.isNaN(t);
    const message = f.method !== undefined ? `${f.method} ${f.path} ${f.protocol} ${f.status}` : `${f.request} ${f.status}`;
    const level = f.status >= 500 ? 'error' : f.status >= 400 ? 'warn' : 'info';
    return { ts: fromArrival ? arrivalTs : t, source, level, message, fields: f as unknown as Record<string, unknown>, raw: text, line, tsFromArrival: fromArrival };
  }
}

/** Parses one CLF/combined line; null when it is not one. Never throws. */
export function parseAccessLine(text: string): AccessFields | null {
  const n = text.length;
  const e1 = text.indexOf(' ');
  const e2 = e1 > 0 ? text.indexOf(' ', e1 + 1) : -1;
  const e3 = e2 > e1 + 1 ? text.indexOf(' ', e2 + 1) : -1;
  if (e3 <= e2 + 1) return null;
  const client = text.slice(0, e1);
  const ident = text.slice(e1 + 1, e2);
  const user = text.slice(e2 + 1, e3);
  let p = e3 + 1;
  if (text.charCodeAt(p) !== 91) return null;
  const close = text.indexOf(']', p);
  if (close === -1) return null;
  const time = text.slice(p + 1, close);
  p = close + 1;
  if (text.charCodeAt(p) !== 32 || text.charCodeAt(p + 1) !== 34) return null;
  const req = readQuoted(text, p + 2);
  if (req === null) return null;
  p = req.end;
  if (text.charCodeAt(p) !== 32) return null;
  p++;
  const se = text.indexOf(' ', p);
  const statusText = text.slice(p, se === -1 ? n : se);
  if (!/^\d{3}$/.test(statusText)) return null;
  p = se === -1 ? n : se + 1;
  const f: AccessFields = { client, request: req.value, status: Number(statusText), time };
  if (ident !== '-') f.ident = ident;
  if (user !== '-') f.user = user;
  if (p < n) {
    const bytesEnd = text.indexOf(' ', p);
    const bytesText = text.slice(p, bytesEnd === -1 ? n : bytesEnd);
    if (/^\d+$/.test(bytesText)) f.bytes = Number(bytesText);
    else if (bytesText !== '-') return null;
    p = bytesEnd === -1 ? n : bytesEnd + 1;
  }
  if (text.charCodeAt(p) === 34) {
    const ref = readQuoted(text, p + 1);
    if (ref !== null) {
      if (ref.value !== '-') f.referer = ref.value;
      p = ref.end + 1;
      if (text.charCodeAt(p) === 34) {
        const ua = readQuoted(text, p + 1);
        if (ua !== null) {
          if (ua.value !== '-') f.user_agent = ua.value;
          p = ua.end + 1;
        }
      }
    }
  }
  if (p < n) f.extra = text.slice(p);
  splitRequest(f);
  return f;
}

function splitRequest(f: AccessFields): void {
  const r = f.request;
  const a = r.indexOf(' ');
  const b = r.lastIndexOf(' ');
  if (a <= 0 || b === a) return;
  const method = r.slice(0, a);
  const protocol = r.slice(b + 1);
  if (!/^[A-Z]{3,10}$/.test(method) || !protocol.startsWith('HTTP/')) return;
  const target = r.slice(a + 1, b);
  const q = target.indexOf('?');
  f.method = method;
  f.protocol = protocol;
  f.path = q === -1 ? target : target.slice(0, q);
  if (q !== -1) f.query = target.slice(q + 1);
}

/** A quoted field with backslash escapes (nginx writes \x22 and \"); end is just past the quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | null {
  let p = start;
  let escaped = false;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 92) escaped = true;
    else if (c === 34) break;
    p++;
    if (c === 92) p++;
  }
  if (p >= text.length) return null;
  const raw = text.slice(start, p);
  return { value: escaped ? raw.replace(/\\(.)/g, '$1') : raw, end: p + 1 };
}
