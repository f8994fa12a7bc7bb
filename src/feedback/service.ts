/**
 * @module feedback/service
 * Feedback given over the API: validates the body, stores it (with the anomaly's fingerprint and
 * the anomaly's new status, one transaction) and applies it to the running policy at once, so the
 * next batch the engine processes is already filtered by it; `noise` and `mute` also withdraw that
 * kind's alerts still waiting in the outbox (`withdrawAlerts`).
 * @example
 * const fb = new FeedbackService({ store, policy, clock, config });
 * fb.give('3f2a…', { verdict: 'mute', muteFor: '2h', user: 'ana' });
 */
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { type Anomaly, type Verdict, VERDICTS } from '../core/event.js';
import type { FeedbackPage, FeedbackQuery, FeedbackRow, NewFeedback } from '../store/feedback.js';
import type { FeedbackConfig } from './config.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { fingerprintOf } from './fingerprint.js';
import { isFirstSighting } from './kinds.js';
import type { FeedbackPolicy, LearningDetector, PolicyFeedback } from './policy.js';

/** `POST /api/anomalies/:id/feedback` body: strict, unknown keys are refused. */
export const feedbackBodySchema = z
  .object({
    verdict: z.enum(VERDICTS),
    comment: z.string().max(2000).optional(),
    muteFor: z.string().regex(DURATION_PATTERN, 'must be a duration such as 30m, 2h or 7d').optional(),
    user: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => b.muteFor === undefined || b.verdict === 'mute', { path: ['muteFor'], message: 'is only allowed with verdict "mute"' });

export type FeedbackBody = z.infer<typeof feedbackBodySchema>;

/** What the service needs of the store (the SQLite store implements it). */
export interface FeedbackStore {
  getAnomaly(id: string): Anomaly | undefined;
  readonly feedback: {
    add(f: NewFeedback): FeedbackRow;
    forAnomaly(anomalyId: string): FeedbackRow[];
    query(q?: FeedbackQuery): FeedbackPage;
    latestPerFingerprint(max: number): FeedbackRow[];
  };
}

export interface FeedbackServiceOptions {
  store: FeedbackStore;
  clock: Clock;
  config: FeedbackConfig;
  /** The running policy; without one, feedback is only stored. */
  policy?: FeedbackPolicy;
  /** The running detectors (the engine host's `learners()`) that `learn` feedback teaches. */
  detectors?: readonly LearningDetector[];
  /**
   * Called after `noise` or `mute` feedback on `a`: withdraws alerts of that kind still waiting to be
   * sent (the alerting stage's `withdraw`; `sameKind` tells a notification's first anomaly of the
   * same feedback fingerprint).
   */
  withdrawAlerts?: (a: Anomaly, sameKind: (first: Anomaly) => boolean) => void;
}

export class FeedbackService {
  constructor(private readonly opts: FeedbackServiceOptions) {}

  /** Rebuilds the policy from the store (call once at start, after the detectors restored their state). */
  loadPolicy(): void {
    const rows = this.opts.store.feedback.latestPerFingerprint(this.opts.config.max_rules);
    // New-template verdicts judge their close variants by template text: in the row since migration
    // 0006; older rows find it with their anomaly while retention has not deleted it.
    const withText = rows.map((r): PolicyFeedback => {
      // A confirmed anomaly is watched for at its severity, a first sighting is tallied by its
      // severity (kinds.ts), and a model window is judged by its top template: all read from the
      // anomaly while retention keeps it.
      if (r.template !== undefined && r.verdict !== 'real' && !isFirstSighting(r.detector, r.feature)) return r;
      const a = this.opts.store.getAnomaly(r.anomalyId);
      if (a === undefined) return r;
      return { ...r, ...about(a), ...(r.template !== undefined ? { template: r.template } : {}) };
    });
    this.opts.policy?.load(withText, this.opts.detectors);
  }

  /** Stores and applies feedback on an anomaly; undefined when there is no such anomaly. */
  give(anomalyId: string, body: FeedbackBody): FeedbackRow | undefined {
    const a = this.opts.store.getAnomaly(anomalyId);
    if (a === undefined) return undefined;
    const f = feedbackRowOf(a, body.verdict);
    if (body.comment !== undefined) f.comment = body.comment;
    if (body.user !== undefined) f.user = body.user;
    if (body.verdict === 'mute') {
      const ms = parseDuration(body.muteFor ?? this.opts.config.default_mute) ?? 86_400_000;
      f.muteUntil = this.opts.clock.now() + ms;
    }
    const row = this.opts.store.feedback.add(f);
    this.opts.policy?.give({ ...row, ...about(a) }, this.opts.detectors);
    if (body.verdict === 'noise' || body.verdict === 'mute') {
      const fp = f.fingerprint;
      this.opts.withdrawAlerts?.(a, (first) => fingerprintOf(first) === fp);
    }
    return row;
  }

  /** One anomaly's feedback, newest first. */
  forAnomaly(anomalyId: string): FeedbackRow[] {
    return this.opts.store.feedback.forAnomaly(anomalyId);
  }

  list(q?: FeedbackQuery): FeedbackPage {
    return this.opts.store.feedback.query(q);
  }

  /** What the running policy holds (`GET /api/feedback/rules`); empty without a policy. */
  rules(): ReturnType<FeedbackPolicy['describe']> {
    return this.opts.policy?.describe() ?? { rules: [], kinds: [] };
  }

  get policy(): FeedbackPolicy | undefined {
    return this.opts.policy;
  }
}

/** The feedback row a verdict on `a` is stored as (without comment, user and mute end). */
export function feedbackRowOf(a: Anomaly, verdict: Verdict): NewFeedback {
  const f: NewFeedback = { anomalyId: a.id, verdict, fingerprint: fingerprintOf(a), detector: a.detector, source: a.source };
  if (a.templateId !== undefined) f.templateId = a.templateId;
  const top = a.explanation[0];
  if (top !== undefined) {
    f.feature = top.feature;
    if (Number.isFinite(top.observed)) f.observed = top.observed;
    if (top.template !== undefined) f.template = top.template;
  }
  return f;
}

/** What the policy is given for a verdict on `a` (`give`): the stored row and what it reads of the anomaly itself. */
export function policyFeedbackOf(a: Anomaly, verdict: Verdict): PolicyFeedback {
  return { ...feedbackRowOf(a, verdict), ...about(a) };
}

/** What the policy reads of the anomaly itself: its severity, and the template it is about when it names none of its own. */
function about(a: Anomaly): Pick<PolicyFeedback, 'subjectTemplateId' | 'severity' | 'template'> {
  const out: Pick<PolicyFeedback, 'subjectTemplateId' | 'severity' | 'template'> = { severity: a.severity };
  const top = a.explanation[0];
  if (a.templateId === undefined && top?.templateId !== undefined) out.subjectTemplateId = top.templateId;
  if (top?.template !== undefined) out.template = top.template;
  return out;
}
