/**
 * @module sinks/webhook/config
 * Strict schema of the generic webhook sink (defaults live here).
 */
import { z } from 'zod';
import { deliveryShape } from '../shared/delivery.js';

export const webhookConfigSchema = z
  .object({
    ...deliveryShape(),
    /** Where alerts are POSTed as JSON. */
    url: z.url({ protocol: /^https?$/ }),
    /** HMAC-SHA256 key of the signature header (keep it out of the file: `${ANOMALOG_WEBHOOK_SECRET}`); unset = unsigned. */
    secret: z.string().min(1).optional(),
    /** Extra request headers. */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookOptions = z.input<typeof webhookConfigSchema>;
