/** Display helpers: all return plain strings, rendered as text by lit. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-30 14:03:07` in the browser's time zone. */
export function time(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `5 s ago`, `3 min ago`, `2 h ago`, `4 d ago`. */
export function ago(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function num(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}

/** Value of a `datetime-local` input → epoch ms (local time), undefined when empty or invalid. */
export function fromLocalInput(v: string): number | undefined {
  if (v === '') return undefined;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** Epoch ms → value of a `datetime-local` input. */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Whether a log line is an instance of a mined template (`<NUM>`, `<*>`… stand for one value; the
 * text around them must match). Plain token comparison — no regular expression is built from log text.
 */
export function matchesTemplate(line: string, template: string): boolean {
  const want = template.split(/\s+/).filter(Boolean);
  if (want.length === 0) return false;
  const got = line.split(/\s+/).filter(Boolean);
  // The template covers the message; the line may carry a header (time, level…) before it.
  for (let off = 0; off + want.length <= got.length; off++) {
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) ok = tokenMatches(got[off + i], want[i]);
    if (ok && off + want.length === got.length) return true;
  }
  return false;
}

function tokenMatches(token: string, pattern: string): boolean {
  const parts = pattern.split(/<[A-Z*][A-Z0-9_*]*>/);
  if (parts.length === 1) return token === pattern;
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === 0) {
      if (!token.startsWith(p)) return false;
      at = p.length;
    } else if (i === parts.length - 1) {
      if (!token.endsWith(p) || token.length - p.length < at) return false;
    } else {
      const k = token.indexOf(p, at);
      if (k < 0) return false;
      at = k + p.length;
    }
  }
  return true;
}
