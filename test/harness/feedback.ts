/**
 * @module test/harness/feedback
 * What the feedback tests share. `anomaly`: a rate spike of template 7 on `api`, to be varied.
 * `fb`: a person's verdict on an anomaly, as the feedback service hands it to the policy
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

/** A stored anomaly (a rate spike of template 7 on `api`) with `over` applied. */
export const anomaly = (over: Partial<Anomaly> = {}): Anomaly => ({
  id: 'a1',
  ts: 1000,
  source: 'api',
  detector: 'rate',
  score: 9,
  severity: 'warning',
  title: 'Spike of x on api: 40 events in 60 s, about 3 expected.',
  explanation: [{ feature: 'template_spike', templateId: 7, observed: 40, expected: 3, contribution: 9 }],
  context: [],
  templateId: 7,
  ...over,
});
