/**
 * @module test/harness/feedback
 * A person's verdict on an anomaly, as the feedback service hands it to the policy
 * (`policyFeedbackOf`, the mapping `FeedbackService.give` uses): fingerprint, detector, source,
 * template, feature, observed value, severity and the anomaly's id — so a policy test is fed what
 * the running service feeds. `over` sets what a request adds (a mute end) or what a stored row
 * lacks (an old row without template text).
 * @example
 * policy.give(fb(anomaly, 'noise'));
 * policy.give(fb(anomaly, 'mute', { muteUntil: 7_200_000 }));
 */
import type { Anomaly, Verdict } from '../../src/core/event.js';
import type { PolicyFeedback } from '../../src/feedback/policy.js';
import { policyFeedbackOf } from '../../src/feedback/service.js';

export function fb(a: Anomaly, verdict: Verdict, over: Partial<PolicyFeedback> = {}): PolicyFeedback {
  return { ...policyFeedbackOf(a, verdict), ...over };
}
