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
    /** Extra request headers (e.g. Authorization: Bearer ${AM_TOKEN}). */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;
export type AlertmanagerOptions = z.input<typeof alertmanagerConfigSchema>;
