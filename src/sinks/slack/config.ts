/**
 * @module sinks/slack/config
 * Strict schema of the Slack incoming-webhook sink (defaults live here).
 */
import { z } from 'zod';
import { deliveryShape } from '../shared/delivery.js';

export const slackConfigSchema = z
  .object({
    // Slack allows about one message per second per webhook; one message per request.
    ...deliveryShape({ batch_size: 1, rate_limit_per_minute: 60, send_resolved: false }),
    /** The incoming-webhook URL (keep it out of the file: `${SLACK_WEBHOOK_URL}`). */
    webhook_url: z.url({ protocol: /^https?$/ }),
    /** Context lines shown per alert. */
    context_lines: z.number().int().min(0).max(20).default(5),
  })
  .strict();

export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type SlackOptions = z.input<typeof slackConfigSchema>;
