/**
 * @module feedback
 * Feedback on anomalies (issue 6): storing verdicts given over the API and applying them to what
 * the detectors report next — suppress (`noise`), mute for a while (`mute`), teach the detector
 * (`learn`), or raise the severity of similar anomalies (`real`). See README.md.
 * @example
 * const policy = createFeedbackPolicy(config, clock);
 * const engine = createEngineHost({ …, filterAnomalies: (a) => policy.apply(a) }); // restores the detectors
 * const { service } = createFeedback({ store, clock, detectors: engine.learners(), config, policy });
 * service.loadPolicy();
 * const api = buildApi({ store, clock, version, feedback: service });
 */
import type { Clock } from '../core/clock.js';
import type { FeedbackConfig } from './config.js';
import { FeedbackPolicy, type LearningDetector } from './policy.js';
import { FeedbackService, type FeedbackServiceOptions, type FeedbackStore } from './service.js';

export { feedbackConfigSchema, type FeedbackConfig } from './config.js';
export { FeedbackPolicy, type LearningDetector, type PolicyFeedback, type PolicyStats, type FeedbackPolicyOptions } from './policy.js';
export { FeedbackService, feedbackBodySchema, type FeedbackBody, type FeedbackStore } from './service.js';
export { fingerprintOf, titleShape, templateKeyOf } from './fingerprint.js';
export { parseDuration, DURATION_PATTERN } from './duration.js';

export interface CreateFeedbackOptions {
  store: FeedbackStore;
  clock: Clock;
  /** The running detectors (the engine host's `learners()`), for `learn`. */
  detectors: readonly LearningDetector[];
  config: FeedbackConfig;
  /** `noise`/`mute` feedback withdraws that kind's alerts still waiting (see FeedbackServiceOptions). */
  withdrawAlerts?: FeedbackServiceOptions['withdrawAlerts'];
  /** The policy the engine already filters with (`createFeedbackPolicy`); default: a new one. */
  policy?: FeedbackPolicy;
}

/**
 * The policy alone (the engine host's `filterAnomalies`), built before the host: it needs only the
 * configuration; the detectors it teaches come with the service (`createFeedback`).
 */
export function createFeedbackPolicy(config: FeedbackConfig, clock: Clock): FeedbackPolicy {
  return new FeedbackPolicy({
    clock,
    maxRules: config.max_rules,
    realSeveritySteps: config.real_severity_steps,
    kindNoiseMin: config.kind_noise_min,
    kindNoiseShare: config.kind_noise_share,
    kindDetectors: config.kind_detectors,
    similarShare: config.similar_template_share,
    similarWordsShare: config.similar_words_share,
    holdNewShare: config.hold_new_share,
  });
}

/**
 * The policy (for the engine hook) and the service (for the API). Call `service.loadPolicy()` once
 * the detectors restored their saved state (the engine's constructor does that): stored `learn`
 * feedback is then re-applied to the restored detectors.
 */
export function createFeedback(o: CreateFeedbackOptions): { policy: FeedbackPolicy; service: FeedbackService } {
  const policy = o.policy ?? createFeedbackPolicy(o.config, o.clock);
  const service = new FeedbackService({ store: o.store, clock: o.clock, config: o.config, policy, detectors: o.detectors, withdrawAlerts: o.withdrawAlerts });
  return { policy, service };
}
