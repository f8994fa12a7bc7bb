/**
 * @module alerts/config
 * The `alerts:` section of the serve configuration: severity rules, routing, grouping, cooldown,
 * resolution. Sinks themselves are the `sinks:` list (each with its own schema, config/registry.ts).
 */
import { z } from 'zod';
import { SEVERITIES } from '../core/event.js';

const severity = z.enum(SEVERITIES);
/** Exact names, or globs where `*` matches any run of characters. */
const names = z.array(z.string().min(1)).min(1).optional();

const severityRule = z
  .object({
    detectors: names,
    sources: names,
    /** The anomaly's severity as its detector set it. */
    severities: z.array(severity).min(1).optional(),
    min_score: z.number().optional(),
    max_score: z.number().optional(),
    /** The severity given to anomalies this rule matches (the first matching rule wins). */
    severity,
  })
  .strict();

const route = z
  .object({
    /** Sink names this route delivers to. */
    sinks: z.array(z.string().min(1)).min(1),
    detectors: names,
    sources: names,
    /** Lowest severity (after the rules) this route takes; default: `alerts.min_severity`. */
    min_severity: severity.optional(),
  })
  .strict();

export const alertsConfigSchema = z
  .object({
    /** Base URL of the UI in alert links (`<public_url>/#/anomalies/<id>`); default http://<server.host>:<server.port>. */
    public_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Anomalies below this severity (after the rules) raise no alert when no route says otherwise. */
    min_severity: severity.default('warning'),
    /** Wait this long after the first anomaly of a fingerprint, collecting repeats into one alert. */
    group_wait_seconds: z.number().min(0).default(10),
    /** At most one notification per fingerprint and sink in this time; repeats are counted into the next. */
    cooldown_seconds: z.number().min(0).default(300),
    /** An alert is resolved when its fingerprint has not repeated for this long. */
    resolve_after_seconds: z.number().positive().default(600),
    /** First matching rule sets the severity; none matches = the detector's. */
    severity_rules: z.array(severityRule).default([]),
    /** Each anomaly goes to the sinks of every matching route; no routes = every sink. */
    routes: z.array(route).default([]),
    /** How often each sink's dispatcher looks for due alerts when idle. */
    poll_interval_ms: z.number().int().min(10).max(60_000).default(1_000),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type AlertsOptions = z.input<typeof alertsConfigSchema>;
export type SeverityRule = z.infer<typeof severityRule>;
export type Route = z.infer<typeof route>;
