/**
 * @module sinks/shared/delivery
 * Options every sink has (how the dispatcher delivers to it), merged into each sink's strict
 * schema with that sink's own defaults (Slack: one message per request, 1 per second).
 */
import { z } from 'zod';

export interface DeliveryDefaults {
  batch_size?: number;
  rate_limit_per_minute?: number;
  send_resolved?: boolean;
}

/** The shape to spread into a sink's `z.object({...})`. */
export function deliveryShape(d: DeliveryDefaults = {}) {
  return {
    /** Unique name (routes refer to it); default: the sink type. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i).optional(),
    /** Alerts per request. */
    batch_size: z.number().int().min(1).max(1000).default(d.batch_size ?? 50),
    /** Requests per minute at most (0 = unlimited); alerts over the limit wait, they are not dropped. */
    rate_limit_per_minute: z.number().int().min(0).default(d.rate_limit_per_minute ?? 0),
    /** Also send a notification when an alert resolves. */
    send_resolved: z.boolean().default(d.send_resolved ?? true),
    /** Per-request timeout. */
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
    /** Retry back-off: first delay, doubling up to the maximum, with jitter (50–100 % of it). */
    retry_initial_ms: z.number().int().min(1).default(1_000),
    retry_max_ms: z.number().int().min(1).default(60_000),
    /** Attempts before an alert is given up (counted as dropped); the default covers about 12 h. */
    max_attempts: z.number().int().min(1).default(720),
    /** Pending alerts kept for this sink at most; beyond it new alerts are dropped and counted. */
    max_pending: z.number().int().min(1).default(10_000),
  };
}

export interface DeliveryConfig {
  name?: string;
  batch_size: number;
  rate_limit_per_minute: number;
  send_resolved: boolean;
  timeout_ms: number;
  retry_initial_ms: number;
  retry_max_ms: number;
  max_attempts: number;
  max_pending: number;
}
