/**
 * @module feedback
 * Feedback on anomalies (issue 6): storing verdicts given over the API and applying them to what
 * the detectors report next — suppress (`noise`), mute for a while (`mute`), teach the detector
 * (`learn`), or raise the severity of similar anomalies (`real`). See README.md.
 * @example
 * const { policy, service } = createFeedback({ store, clock, detectors, config: feedbackConfigSchema.parse({}) });
 * const engine = new Engine({ …, filterAnomalies: (a) => policy.apply(a) }); // restores the detectors
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
  detectors: readonly LearningDetector[];
  config: FeedbackConfig;
  /** `noise`/`mute` feedback withdraws that kind's alerts still waiting (see FeedbackServiceOptions). */
  withdrawAlerts?: FeedbackServiceOptions['withdrawAlerts'];
}

/**
 * The policy (for the engine hook) and the service (for the API). Call `service.loadPolicy()` once
 * the detectors restored their saved state (the engine's constructor does that): stored `learn`
 * feedback is then re-applied to the restored detectors.
 */
export function createFeedback(o: CreateFeedbackOptions): { policy: FeedbackPolicy; service: FeedbackService } {
  const policy = new FeedbackPolicy({
    clock: o.clock,
    detectors: o.detectors,
    maxRules: o.config.max_rules,
    realSeveritySteps: o.config.real_severity_steps,
    kindNoiseMin: o.config.kind_noise_min,
    kindNoiseShare: o.config.kind_noise_share,
    kindDetectors: o.config.kind_detectors,
    similarShare: o.config.similar_template_share,
    similarWordsShare: o.config.similar_words_share,
  });
  const service = new FeedbackService({ store: o.store, clock: o.clock, config: o.config, policy, withdrawAlerts: o.withdrawAlerts });
  return { policy, service };
}
