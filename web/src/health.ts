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

/** A sink is bad while its deliveries fail in a row (`status: 'failing'`); `lastError` says why. */
export function sinkVerdict(s: Record<string, unknown>): Verdict {
  if (s.status !== 'failing') return { bad: false, reason: 'Delivering.' };
  const n = count(s.failuresInARow);
  const why = typeof s.lastError === 'string' && s.lastError !== '' ? ` Last error: ${s.lastError.slice(0, 300)}` : '';
  return { bad: true, reason: `Failing: ${n} failed deliver${n === 1 ? 'y' : 'ies'} in a row; alerts wait in the outbox.${why}` };
}
