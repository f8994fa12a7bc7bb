/**
 * @module sinks/alertmanager/config
 * Strict schema of the Alertmanager sink (defaults live here).
 */
import { z } from 'zod';
import { deliveryShape } from '../shared/delivery.js';

export const alertmanagerConfigSchema = z
  .object({
    ...deliveryShape({ batch_size: 100 }),
    /** Base URL of Alertmanager; alerts go to `<url>/api/v2/alerts`. */
    url: z.url({ protocol: /^https?$/ }),
    /** The `alertname` label. */
    alertname: z.string().min(1).default('AnomalogAnomaly'),
    /** Extra labels on every alert (e.g. team, env). */
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
    /**
     * Record attributes copied into labels, so Alertmanager can route and group by them (e.g.
     * `[k8s.namespace.name, service.name]`): each becomes a label named like the attribute with every
     * character outside `[a-zA-Z0-9_]` turned into `_` (`k8s_namespace_name`). Labels are an alert's
     * identity: list only attributes with few values. Absent attributes add no label.
     */
    attr_labels: z.array(z.string().min(1).max(128)).max(16).default([]),
    /** Extra request headers (e.g. Authorization: Bearer ${AM_TOKEN}). */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;
export type AlertmanagerOptions = z.input<typeof alertmanagerConfigSchema>;
