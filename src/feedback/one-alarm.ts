/**
 * @module feedback/one-alarm
 * One line, one alarm, once a problem is confirmed. The watch detector reports a confirmed problem
 * again; another detector may report the very same message in the same batch because it is also
 * news to it — novelty's "a never-seen message" when the confirmed template comes back with a
 * parameter never seen before (BGL_20k, 2005-06-30 23:22:44: `ciod: Error creating node map from
 * file <PATH>: …`, confirmed a week earlier, came back with a new file name and reason, and raised
 * two anomalies about one line). Both say that this message is *present* (presence.ts), so a person
 * would read the same thing twice and answer it twice.
 *
 * The other detector's report is kept and the watch's is dropped (counted as merged): it says what
 * is new about the line, and the policy has already raised it for being about a confirmed problem
 * ("real raises severity"); it keeps the higher of the two severities. Nothing of the answer is
 * lost: a verdict on an anomaly about a template also tells the watch detector (policy.ts `watch`:
 * `real` keeps the template watched, `noise` takes it back), which is all a verdict on the watch's
 * own report would do. Rate spikes (volume) and params findings (a value) say something else and
 * stay separate, as do reports about other message types or sources.
 * @example
 * const { kept, merged } = mergeIntoWatch(found); // found: one batch, after the feedback rules
 */
import { type Anomaly, SEVERITIES } from '../core/event.js';
import { judgedAs } from './presence.js';

/** The message type an anomaly is about (a model window names it in its first explanation). */
function subjectOf(a: Anomaly): number | undefined {
  return a.templateId ?? a.explanation[0]?.templateId;
}

/** Drops the watch's report of a message another presence report of the batch is about (same source and template). */
export function mergeIntoWatch(found: Anomaly[]): { kept: Anomaly[]; merged: number } {
  let watch = 0;
  for (const a of found) if (a.detector === 'watch') watch++;
  if (watch === 0) return { kept: found, merged: 0 };
  const others = new Map<string, Anomaly>();
  for (const a of found) {
    const t = subjectOf(a);
    if (a.detector !== 'watch' && t !== undefined && judgedAs(a.detector) === 'presence') others.set(`${a.source}\u0000${t}`, a);
  }
  if (others.size === 0) return { kept: found, merged: 0 };
  const kept: Anomaly[] = [];
  let merged = 0;
  for (const a of found) {
    const t = subjectOf(a);
    const other = a.detector === 'watch' && t !== undefined ? others.get(`${a.source}\u0000${t}`) : undefined;
    if (other === undefined) {
      kept.push(a);
      continue;
    }
    if (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(other.severity)) other.severity = a.severity;
    merged++;
  }
  return { kept, merged };
}
