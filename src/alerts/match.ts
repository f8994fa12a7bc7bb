/**
 * @module alerts/match
 * Severity rules and routes from the configuration, compiled once: name lists (exact or `*` globs
 * written by the operator, never built from log lines) and severity order.
 */
import type { Anomaly, Severity } from '../core/event.js';
import type { Route, SeverityRule } from './config.js';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

type NameTest = (name: string) => boolean;

/** Exact names and `*` globs (any run of characters); undefined list = any name. */
export function nameTest(list: readonly string[] | undefined): NameTest {
  if (list === undefined) return () => true;
  const exact = new Set(list.filter((n) => !n.includes('*')));
  const globs = list.filter((n) => n.includes('*')).map((g) => new RegExp(`^${g.split('*').map(escapeRe).join('.*')}$`, 's'));
  return (name) => exact.has(name) || globs.some((re) => re.test(name));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CompiledRule {
  test(a: Anomaly): boolean;
  severity: Severity;
}

export function compileRule(r: SeverityRule): CompiledRule {
  const det = nameTest(r.detectors);
  const src = nameTest(r.sources);
  const sev = r.severities === undefined ? undefined : new Set<string>(r.severities);
  return {
    severity: r.severity,
    test: (a) =>
      det(a.detector) &&
      src(a.source) &&
      (sev === undefined || sev.has(a.severity)) &&
      (r.min_score === undefined || a.score >= r.min_score) &&
      (r.max_score === undefined || a.score <= r.max_score),
  };
}

export interface CompiledRoute {
  sinks: readonly string[];
  test(a: Anomaly, severity: Severity): boolean;
}

export function compileRoute(r: Route, defaultMin: Severity): CompiledRoute {
  const det = nameTest(r.detectors);
  const src = nameTest(r.sources);
  const min = SEVERITY_RANK[r.min_severity ?? defaultMin];
  return { sinks: r.sinks, test: (a, s) => SEVERITY_RANK[s] >= min && det(a.detector) && src(a.source) };
}
