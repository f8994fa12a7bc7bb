/**
 * @module feedback/policy
 * The feedback policy: what people said about past anomalies, applied to new ones in the detection
 * path (the engine's `filterAnomalies` hook, after the detectors and before the store and alerts).
 * One rule per fingerprint (detector + source + template, or title shape), the newest verdict wins:
 *
 * - `noise`: anomalies with that fingerprint are suppressed (counted, not stored, not alerted); for
 *            the model detector the flagged window also joins its training reservoir as normal.
 * - `mute`:  suppressed until the mute ends (by the injected clock); then the rule is dropped.
 * - `learn`: the detector is told (`StreamDetector.learnAsNormal`) so it stops flagging it — novelty knows
 *            the template, rate/params accept the observed count/value, the model detector adds the
 *            window to its training reservoir and retrains. A detector without `learnAsNormal`, or one
 *            that cannot use it (a model window no longer in memory), gets the `noise` treatment instead.
 * - `real`:  kept, and anomalies with the same fingerprint, or about the same source + template
 *            from any detector, get `real_severity_steps` more severity.
 *
 * Kinds and the source (kinds.ts): what many verdicts together teach — a kind of rate, params or
 * model anomaly mostly dismissed on a source is suppressed as a whole; a source whose new message
 * types are mostly dismissed has them held back (`hold`).
 *
 * Close variants: a verdict on a message type judges its close variants (similar.ts) for every
 * detector that reports the message's presence (`judgedAs`: novelty, model, sequence, a held type's
 * return), not only its own detector.
 *
 * Rules are bounded (`max_rules`, the oldest dropped). The state lives in the store's feedback
 * table: `load` rebuilds it from the newest row of each fingerprint at start.
 * @example
 * const policy = new FeedbackPolicy({ clock, detectors });
 * policy.load(store.feedback.latestPerFingerprint(10_000));
 * const kept = policy.apply(found); // engine hook
 */
import type { Clock } from '../core/clock.js';
import type { Confirmed, LearnAsNormal, StreamDetector } from '../core/detector.js';
import { type Anomaly, SEVERITIES, type Severity, type Verdict } from '../core/event.js';
import type { NewFeedback } from '../store/feedback.js';
import { templateKeyOf, fingerprintOf } from './fingerprint.js';
import { isFirstSighting, type PolicyKindView, VerdictKinds } from './kinds.js';
import { mergeIntoWatch } from './one-alarm.js';
import { judgedAs } from './presence.js';
import { SimilarTemplates } from './similar.js';

export type { PolicyKindView } from './kinds.js';
export { judgedAs } from './presence.js';

/** What `learn` and `real` need of a detector (`confirmed`: the watch detector's list of confirmed problems). */
export type LearningDetector = Pick<StreamDetector, 'kind' | 'learnAsNormal' | 'confirmed'>;

/**
 * One piece of feedback as the policy needs it (a stored row fits; `template` judges close variants,
 * `similar.ts`). `subjectTemplateId`: the template the anomaly is about when it has no `templateId`
 * of its own (a model window's top template); `severity`: the anomaly's, when known.
 */
export type PolicyFeedback = Pick<NewFeedback, 'verdict' | 'fingerprint' | 'detector' | 'source' | 'templateId' | 'feature' | 'observed' | 'muteUntil' | 'template'> & {
  anomalyId?: string;
  subjectTemplateId?: number;
  severity?: Severity;
};

interface Rule {
  verdict: Verdict;
  /** `mute` only. */
  until: number;
  /** Anomalies suppressed or raised by this rule since it was made (or the service started). */
  hits: number;
  /** The anomaly the newest verdict was given on (a newer verdict on it replaces the rule). */
  anomalyId?: string;
  template?: string;
}

/** One rule as `GET /api/feedback/rules` shows it. */
export interface PolicyRuleView {
  detector: string;
  source: string;
  /** The template the rule is about, or (an anomaly without one) the shape of its title. */
  templateId?: number;
  titleShape?: string;
  template?: string;
  verdict: Verdict;
  /** Mute end (epoch ms). */
  until?: number;
  /** Anomalies suppressed (or, for real, raised) by it since the service started, close variants included. */
  hits: number;
  anomalyId?: string;
}

export interface PolicyStats {
  rules: number;
  /** Anomalies dropped by `noise`, `mute` or a `learn` the detector could not take (by kind included). */
  suppressed: number;
  /** Of those, dropped because their kind was marked noise (`kind_noise_min`). */
  suppressedByKind: number;
  /** Of those, new templates dropped as close variants of one marked noise (`similar_template_share`). */
  suppressedBySimilar: number;
  /** Anomalies whose severity was raised by `real`. */
  raised: number;
  /** `learn` feedback a detector took. */
  learned: number;
  /** `real` feedback a detector took as a problem to watch for (src/detectors/watch). */
  confirmed: number;
  /** New message types held back (counted in `suppressed` too): reported only if they come back (`hold_new_share`). */
  held: number;
  /** Watch reports dropped because another detector reported the same message in the same batch (one-alarm.ts). */
  merged: number;
}

export interface FeedbackPolicyOptions {
  clock: Clock;
  /**
   * The running detectors (for `learn`), or stand-ins that forward to them in the engine's thread.
   * A service passes its own to `give`/`load` instead (the detectors are built after the policy).
   */
  detectors?: readonly LearningDetector[];
  maxRules?: number;
  realSeveritySteps?: number;
  /** Distinct noise fingerprints of a kind before the kind is suppressed; 0 disables. */
  kindNoiseMin?: number;
  /** Share of a kind's judged fingerprints that must be noise (default 0.8). */
  kindNoiseShare?: number;
  /** Detectors whose kinds may be generalised (default rate, params). */
  kindDetectors?: readonly string[];
  /** `similar_template_share` (0: off). */
  similarShare?: number;
  /** `similar_words_share` (0: off). */
  similarWordsShare?: number;
  /** `hold_new_share` (0: off). */
  holdNewShare?: number;
}

/** Detectors whose `learnAsNormal` also takes `noise` (the window joins the training reservoir). */
const TRAINS_ON_NOISE: ReadonlySet<string> = new Set(['model']);

/**
 * Detectors whose anomalies are about one message type (its template text is the first
 * explanation's), so that a judged one speaks for its close variants. Not params (a value of a
 * position, not the message) and not watch (already about a confirmed problem).
 */
const JUDGED_BY_TEMPLATE: ReadonlySet<string> = new Set(['novelty', 'rate', 'model', 'sequence']);

export class FeedbackPolicy {
  readonly stats: PolicyStats = { rules: 0, suppressed: 0, suppressedByKind: 0, suppressedBySimilar: 0, raised: 0, learned: 0, confirmed: 0, held: 0, merged: 0 };
  private readonly rules = new Map<string, Rule>();
  /** source + template ids marked `real` (value: insertion order, bounded like the rules). */
  private readonly realTemplates = new Set<string>();
  private readonly maxRules: number;
  private readonly steps: number;
  private readonly kinds: VerdictKinds;
  private readonly similar: SimilarTemplates;
  /** The detectors last handed over (`give`/`load`): the watch detector takes held message types. */
  private detectors: readonly LearningDetector[] | undefined;

  constructor(private readonly opts: FeedbackPolicyOptions) {
    this.maxRules = opts.maxRules ?? 10_000;
    this.steps = opts.realSeveritySteps ?? 1;
    this.kinds = new VerdictKinds({
      kindMin: opts.kindNoiseMin ?? 5,
      kindShare: opts.kindNoiseShare ?? 0.8,
      kindDetectors: opts.kindDetectors ?? ['rate', 'params'],
      holdShare: opts.holdNewShare ?? 0,
      maxRules: this.maxRules,
    });
    this.similar = new SimilarTemplates(opts.similarShare ?? 0, 500, opts.similarWordsShare ?? 0);
    this.detectors = opts.detectors;
  }

  /** Rebuilds the rules from stored feedback (any order: applied oldest first by position, newest last). */
  load(newestFirst: readonly PolicyFeedback[], detectors = this.opts.detectors): void {
    for (let i = newestFirst.length - 1; i >= 0; i--) this.give(newestFirst[i], detectors);
  }

  /**
   * Applies one piece of feedback to the running policy (and, for `learn` and `real`, to its detector among
   * `detectors`: the feedback service hands over the engine host's, which exist only after the
   * policy — the engine filters with it).
   */
  give(f: PolicyFeedback, detectors = this.opts.detectors): void {
    if (detectors !== undefined) this.detectors = detectors;
    let verdict = f.verdict;
    if (verdict === 'learn' && !this.learn(f, detectors)) verdict = 'noise';
    // A model keeps training data: a window called noise is normal data for its next retraining.
    if (verdict === 'noise' && f.verdict === 'noise' && TRAINS_ON_NOISE.has(f.detector)) this.learn(f, detectors);
    if (verdict === 'mute' && (f.muteUntil === undefined || f.muteUntil <= this.opts.clock.now())) {
      this.rules.delete(f.fingerprint);
    } else {
      this.rules.delete(f.fingerprint);
      const rule: Rule = { verdict, until: f.muteUntil ?? Number.POSITIVE_INFINITY, hits: 0 };
      if (f.anomalyId !== undefined) rule.anomalyId = f.anomalyId;
      if (f.template !== undefined) rule.template = f.template;
      this.rules.set(f.fingerprint, rule);
      if (this.rules.size > this.maxRules) this.rules.delete(this.rules.keys().next().value as string);
    }
    this.kinds.give(f, verdict);
    // A held message type's report is a first sighting too: its answer judges the message's presence.
    if (f.template !== undefined && (JUDGED_BY_TEMPLATE.has(f.detector) || isFirstSighting(f.detector, f.feature))) {
      if (f.verdict === 'noise' || f.verdict === 'real') this.similar.add(f.source, judgedAs(f.detector), f.template, f.verdict, f.fingerprint);
      else this.similar.remove(f.source, judgedAs(f.detector), f.fingerprint);
    }
    this.watch(f, detectors);
    const tk = templateKeyOf(f);
    if (tk !== undefined) {
      this.realTemplates.delete(tk);
      if (f.verdict === 'real') this.realTemplates.add(tk);
      if (this.realTemplates.size > this.maxRules) this.realTemplates.delete(this.realTemplates.values().next().value as string);
    }
    this.stats.rules = this.rules.size;
  }

  /** The engine hook: drops suppressed anomalies, raises the severity of ones like those marked real. */
  apply(found: Anomaly[]): Anomaly[] {
    if (this.rules.size === 0 && this.realTemplates.size === 0 && this.kinds.empty && this.similar.empty) return found;
    const now = this.opts.clock.now();
    const kept: Anomaly[] = [];
    for (const a of found) {
      const fp = fingerprintOf(a);
      const rule = this.rules.get(fp);
      if (rule && rule.verdict === 'mute' && now >= rule.until) {
        this.rules.delete(fp);
        this.stats.rules = this.rules.size;
      } else if (rule && rule.verdict !== 'real' && rule.verdict !== 'learn') {
        rule.hits++;
        this.stats.suppressed++;
        if (rule.verdict === 'noise') this.trainOnSuppressed(a);
        continue;
      }
      const tk = templateKeyOf(a);
      const real = rule?.verdict === 'real' || (tk !== undefined && this.realTemplates.has(tk));
      if (!real && this.kinds.suppresses(a)) {
        this.stats.suppressed++;
        this.stats.suppressedByKind++;
        this.trainOnSuppressed(a);
        continue;
      }
      const top = a.explanation[0];
      const like = !real && top?.template !== undefined && JUDGED_BY_TEMPLATE.has(a.detector) ? this.similar.judge(a.source, judgedAs(a.detector), top.template) : undefined;
      if (like?.verdict === 'noise') {
        this.stats.suppressed++;
        this.stats.suppressedBySimilar++;
        const by = this.rules.get(like.fingerprint);
        if (by) by.hits++;
        this.trainOnSuppressed(a);
        continue;
      }
      if (!real && like?.verdict !== 'real' && this.holds(a)) {
        this.hold(a);
        continue;
      }
      // A watch report already carries the confirmed anomaly's severity.
      if (this.steps > 0 && (real || like?.verdict === 'real') && a.detector !== 'watch') {
        const from = SEVERITIES.indexOf(a.severity);
        const to = SEVERITIES[Math.min(SEVERITIES.length - 1, Math.max(0, from) + this.steps)];
        if (to !== a.severity) {
          a.severity = to;
          this.stats.raised++;
          if (rule) rule.hits++;
        }
      }
      kept.push(a);
    }
    const one = mergeIntoWatch(kept);
    this.stats.merged += one.merged;
    return one.kept;
  }

  /** The rule of a fingerprint, if any (for tests and the API). */
  ruleOf(fingerprint: string): { verdict: Verdict; until?: number; hits: number } | undefined {
    const r = this.rules.get(fingerprint);
    if (!r) return undefined;
    return Number.isFinite(r.until) ? { verdict: r.verdict, until: r.until, hits: r.hits } : { verdict: r.verdict, hits: r.hits };
  }

  /** The rules and judged kinds held now, newest rule first (`GET /api/feedback/rules`), at most `limit` rules. */
  describe(limit = 1000): { rules: PolicyRuleView[]; kinds: PolicyKindView[] } {
    const rules: PolicyRuleView[] = [];
    const entries = [...this.rules.entries()];
    for (let i = entries.length - 1; i >= 0 && rules.length < limit; i--) {
      const [fp, r] = entries[i];
      const [detector, source, what] = fp.split('\u0000');
      const v: PolicyRuleView = { detector, source, verdict: r.verdict, hits: r.hits };
      if (what?.startsWith('t:')) v.templateId = Number(what.slice(2));
      else if (what?.startsWith('s:')) v.titleShape = what.slice(2);
      if (r.template !== undefined) v.template = r.template;
      if (Number.isFinite(r.until)) v.until = r.until;
      if (r.anomalyId !== undefined) v.anomalyId = r.anomalyId;
      rules.push(v);
    }
    const kinds = this.kinds.describe(limit);
    return { rules, kinds };
  }

  /** A new message type is held back only where a watch detector can report it when it comes back. */
  private holds(a: Anomaly): boolean {
    return this.kinds.holds(a) && this.detectors?.some((d) => d.confirmed !== undefined) === true;
  }

  /** Hands a held new message type to the watch detector, which reports it if it comes back. */
  private hold(a: Anomaly): void {
    const top = a.explanation[0];
    const what: Confirmed = { source: a.source, templateId: a.templateId as number, on: true, held: true, since: a.ts, severity: a.severity };
    if (top?.template !== undefined) what.template = top.template;
    for (const d of this.detectors ?? []) d.confirmed?.(what);
    this.stats.held++;
    this.stats.suppressed++;
  }

  /**
   * `real` on an anomaly about a message's presence (presence.ts: novelty, a model window, sequence,
   * the watch's own reports) makes the watch detector report that template's recurrences; `noise` or
   * `learn` on one takes it back (and keeps it from being watched as a close variant of a confirmed
   * one). `mute` is temporary and leaves the watch list alone. Not a rate spike or a params finding:
   * they are about a volume or a value, and the message itself may be routine — a confirmed
   * `size <NUM>` outlier of HDFS's `addStoredBlock` (logged for nearly every block) made every later
   * burst of that message a "confirmed problem again" (HDFS_2k, eval stream with the operator).
   */
  private watch(f: PolicyFeedback, detectors: readonly LearningDetector[] | undefined): void {
    const templateId = f.templateId ?? f.subjectTemplateId;
    if (templateId === undefined || f.verdict === 'mute' || judgedAs(f.detector) !== 'presence') return;
    const what: Confirmed = { source: f.source, templateId, on: f.verdict === 'real' };
    if (f.template !== undefined) what.template = f.template;
    if (f.severity !== undefined) what.severity = f.severity;
    for (const d of detectors ?? []) if (d.confirmed?.(what) && what.on) this.stats.confirmed++;
  }

  /**
   * A model window suppressed as noise (by its fingerprint, its kind or a close judged message) is
   * never stored, so nobody answers it: it is treated as the `noise` answer it stands for — normal
   * data for the model's next retraining — or the model keeps flagging windows like it (measured:
   * bench:feedback, one more false positive on BGL_20k without this).
   */
  private trainOnSuppressed(a: Anomaly): void {
    if (!TRAINS_ON_NOISE.has(a.detector)) return;
    const top = a.explanation[0];
    const f: PolicyFeedback = { verdict: 'noise', fingerprint: fingerprintOf(a), detector: a.detector, source: a.source };
    if (a.templateId !== undefined) f.templateId = a.templateId;
    if (top !== undefined) {
      f.feature = top.feature;
      if (Number.isFinite(top.observed)) f.observed = top.observed;
    }
    this.learn(f, this.detectors);
  }

  private learn(f: PolicyFeedback, detectors: readonly LearningDetector[] | undefined): boolean {
    const d = detectors?.find((x) => x.kind === f.detector);
    if (!d?.learnAsNormal) return false;
    const what: LearnAsNormal = { source: f.source };
    if (f.templateId !== undefined) what.templateId = f.templateId;
    if (f.feature !== undefined) what.feature = f.feature;
    if (f.observed !== undefined) what.observed = f.observed;
    const ok = d.learnAsNormal(what);
    if (ok) this.stats.learned++;
    return ok;
  }
}

