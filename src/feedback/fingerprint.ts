/**
 * @module feedback/fingerprint
 * What makes two anomalies "the same kind" for feedback: detector + source + template id, or —
 * when the anomaly names no template (a volume spike of a source, a silent source, a model
 * window) — detector + source + the shape of its title (every run of digits replaced by `#`,
 * so counts, times and scores do not matter).
 */
import type { Anomaly } from '../core/event.js';

/** The title with every run of ASCII digits as `#` (and whitespace runs as one space). */
export function titleShape(title: string): string {
  let out = '';
  let inDigits = false;
  let inSpace = false;
  for (let i = 0; i < title.length && out.length < 512; i++) {
    const c = title.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (!inDigits) out += '#';
      inDigits = true;
      inSpace = false;
      continue;
    }
    inDigits = false;
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (space && inSpace) continue;
    inSpace = space;
    out += space ? ' ' : title[i];
  }
  return out;
}

/** `detector\u0000source\u0000t:<templateId>` or `detector\u0000source\u0000s:<title shape>`. */
export function fingerprintOf(a: Pick<Anomaly, 'detector' | 'source' | 'templateId' | 'title'>): string {
  const what = a.templateId !== undefined && Number.isFinite(a.templateId) ? `t:${a.templateId}` : `s:${titleShape(a.title)}`;
  return `${a.detector}\u0000${a.source}\u0000${what}`;
}

/** Key of "the same template" across detectors (for `real`): source + template id. */
export function templateKeyOf(a: Pick<Anomaly, 'source' | 'templateId'>): string | undefined {
  return a.templateId !== undefined && Number.isFinite(a.templateId) ? `${a.source}\u0000${a.templateId}` : undefined;
}
