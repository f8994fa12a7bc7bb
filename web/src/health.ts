/**
 * Health dots of the overview, from `/api/health` (docs/openapi.yaml: SourceStats, SinkHealth).
 * Counters there are cumulative since start, so one old failure must not colour a dot red forever:
 * a sink is red while its dispatcher reports `status: 'failing'` (failures in a row, reset by the
 * next delivery); a source is red when its `errors` counter grew since the previous poll.
 * Pure functions (no DOM): test/web/health.test.ts runs them in Node.
 */

export interface Verdict {
  bad: boolean;
  /** One plain-text sentence (rendered as text by lit: error texts may hold anything). */
  reason: string;
}

/** Previous poll of the sources' `errors` counters: when, and the value per source id. */
export interface ErrorBaseline {
  at: number;
  errors: Map<string, number>;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** The `errors` counters of this poll, by source id (only sources present now: bounded by the config). */
export function baseline(sources: readonly Record<string, unknown>[], at: number): ErrorBaseline {
  return { at, errors: new Map(sources.map((s) => [String(s.id ?? s.name ?? '?'), count(s.errors)])) };
}

/**
 * A source is bad when its errors counter grew since the previous poll (a lower value means the
 * service restarted: all its errors are new), or when it says so itself (`healthy: false`).
 */
export function sourceVerdict(s: Record<string, unknown>, prev: ErrorBaseline | undefined, since: (ms: number) => string): Verdict {
  const id = String(s.id ?? s.name ?? '?');
  const now = count(s.errors);
  const before = prev?.errors.get(id);
  const fresh = before === undefined ? 0 : now < before ? now : now - before;
  if (fresh > 0 && prev) return { bad: true, reason: `${fresh} new error${fresh === 1 ? '' : 's'} since ${since(prev.at)} (${now} since start).` };
  if (s.healthy === false) return { bad: true, reason: 'Reports itself unhealthy.' };
  if (prev === undefined || before === undefined) return { bad: false, reason: now > 0 ? `${now} error(s) since start; watching for new ones.` : 'No errors.' };
  return { bad: false, reason: now > 0 ? `No new errors since ${since(prev.at)} (${now} since start).` : 'No errors.' };
}

const num = (n: number): string => n.toLocaleString('en-US');

/**
 * The store's hard caps on anomalies (`health.anomalies`): how many are stored against the caps, and
 * how many the caps dropped or evicted since start. Not a failure (the caps work as meant), so never
 * red; the counts say whether a flood is being cut.
 */
export function capsVerdict(a: Record<string, unknown> | undefined): Verdict | undefined {
  if (a === undefined || a === null || typeof a !== 'object') return undefined;
  const total = count(a.maxTotal);
  const hour = count(a.maxPerSourceHour);
  const caps = [total > 0 ? `at most ${num(total)} in all` : '', hour > 0 ? `${num(hour)} per source per hour` : ''].filter((x) => x !== '').join(', ');
  const dropped = count(a.dropped);
  const evicted = count(a.evicted);
  const cut = dropped + evicted === 0 ? 'none dropped or evicted since start' : `${num(dropped)} dropped and ${num(evicted)} evicted at the caps since start (a flood is being cut; the most severe are kept)`;
  return { bad: false, reason: `${num(count(a.stored))} stored${caps ? ` (${caps})` : ''}; ${cut}.` };
}

/** The store is bad while it refuses writes (`health.store.writable: false`); its message names the fix. */
export function storeVerdict(s: Record<string, unknown> | undefined): Verdict | undefined {
  if (s === undefined || s === null || typeof s !== 'object') return undefined;
  const waiting = count(s.unstored);
  const lost = count(s.unstoredDropped);
  const lostText = lost > 0 ? ` ${num(lost)} anomalies were dropped while waiting.` : '';
  if (s.writable === false) {
    const why = typeof s.message === 'string' && s.message !== '' ? s.message.slice(0, 400) : 'The store refuses writes.';
    return { bad: true, reason: `${why} ${num(waiting)} anomalies wait to be stored.${lostText}` };
  }
  return { bad: lost > 0, reason: `Writing.${lostText}` };
}

/** A sink is bad while its deliveries fail in a row (`status: 'failing'`); `lastError` says why. */
export function sinkVerdict(s: Record<string, unknown>): Verdict {
  if (s.status !== 'failing') return { bad: false, reason: 'Delivering.' };
  const n = count(s.failuresInARow);
  const why = typeof s.lastError === 'string' && s.lastError !== '' ? ` Last error: ${s.lastError.slice(0, 300)}` : '';
  return { bad: true, reason: `Failing: ${n} failed deliver${n === 1 ? 'y' : 'ies'} in a row; alerts wait in the outbox.${why}` };
}
