/**
 * The JSON API of `anomalog serve` as the UI uses it (docs/openapi.yaml is the reference).
 * Every value read here is untrusted text: it is only ever rendered through lit templates.
 */

import type { StatsSnapshot } from '../../src/api/rate-history.js';
import type { PolicyKindView, PolicyRuleView } from '../../src/feedback/policy.js';
import { type Anomaly as CoreAnomaly, SEVERITIES as CORE_SEVERITIES, type Severity, type Verdict } from '../../src/core/event.js';

export type { Contribution, Severity, Verdict } from '../../src/core/event.js';
export { STATUSES } from '../../src/core/event.js';
/** Most severe first, for menus and tables: src/core/event.ts's ladder (least severe first) reversed. */
export const SEVERITIES: readonly Severity[] = [...CORE_SEVERITIES].reverse();
export const DETECTORS = ['novelty', 'rate', 'params', 'model', 'sequence', 'invariants', 'watch'] as const;

export interface Feedback {
  verdict: Verdict;
  comment?: string | null;
  user?: string | null;
  /** When it was given (epoch ms). */
  createdAt?: number;
  muteUntil?: number | null;
}

/** An anomaly as the API returns it: the core type plus its feedback (detail) and status (list). */
export interface Anomaly extends Omit<CoreAnomaly, 'status'> {
  status?: string;
  feedback?: Feedback[];
}

export interface AnomalyPage {
  anomalies: Anomaly[];
  next: string | null;
}

export interface Template {
  source: string;
  templateId: number;
  template: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  exampleParams?: string[];
}

export interface TemplatePage {
  templates: Template[];
  total: number;
}

/** `GET /api/feedback/rules`: what the running feedback policy holds (src/feedback/policy.ts's views). */
export type FeedbackRules = { rules: PolicyRuleView[]; kinds: PolicyKindView[] };

/** `GET /api/stats`: the service's in-memory rate history. */
export type Stats = StatsSnapshot;

/** An active model of the registry (`GET /api/models`); the `model` detector's kind is `model-detector:<source>`. */
export interface ModelInfo {
  id: string;
  kind: string;
  version: number;
  /** When it was trained and saved (epoch ms). */
  createdAt: number;
  active: boolean;
  modelKind?: string;
  thresholdRule?: string;
  threshold?: number;
}

export type Health = { status: string; version: string; uptimeMs: number; streamClients: number } & Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const msg = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${res.status}`;
    throw new ApiError(msg, res.status);
  }
  return body as T;
}

/** A query string from the defined, non-empty values (repeated keys for arrays). */
export function query(params: Record<string, string | number | undefined | readonly string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface AnomalyFilters {
  source?: string;
  detector?: string;
  severity?: string;
  status?: string;
  /** Title substring, searched by the server over every stored anomaly. */
  q?: string;
  since?: number;
  until?: number;
}

export const api = {
  health: () => call<Health>('/api/health'),
  stats: (templates: readonly string[] = []) => call<Stats>(`/api/stats${query({ template: templates })}`),
  anomalies: (f: AnomalyFilters, limit = 100, next?: string) => call<AnomalyPage>(`/api/anomalies${query({ ...f, limit, next })}`),
  anomaly: (id: string) => call<Anomaly>(`/api/anomalies/${encodeURIComponent(id)}`),
  models: () => call<{ models: ModelInfo[] }>('/api/models'),
  feedbackRules: () => call<FeedbackRules>('/api/feedback/rules'),
  templates: (q: { search?: string; source?: string; limit?: number; offset?: number }) => call<TemplatePage>(`/api/templates${query(q)}`),
  feedback: (id: string, body: { verdict: Verdict; comment?: string; muteFor?: string; user?: string }) =>
    call<unknown>(`/api/anomalies/${encodeURIComponent(id)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
};

/** `source:templateId`, the key of a template series in /api/stats. */
export const templateKey = (source: string, templateId: number): string => `${source}:${templateId}`;
