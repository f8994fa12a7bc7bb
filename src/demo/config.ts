/**
 * @module demo/config
 * Strict schema of `anomalog demo`'s options; every default lives here.
 */
import { z } from 'zod';

export const demoConfigSchema = z
  .object({
    /** Seed of every random draw: the same seed (and start time) gives the same lines. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Simulated seconds per real second once live (history is always sent as fast as the service takes it). */
    speed: z.number().positive().max(10_000).default(1),
    /** Simulated time to run after the history, in seconds (unset: until stopped). */
    duration_seconds: z.number().positive().optional(),
    /** Normal traffic sent first, with past time stamps, so the detectors learn what normal is. */
    history_minutes: z.number().min(2).max(120).default(10),
    /** Length of one incident cycle (the incidents repeat every cycle). */
    cycle_seconds: z.number().int().min(180).max(86_400).default(300),
    /** false: normal traffic only (a baseline to compare with). */
    incidents: z.boolean().default(true),
    /** Where the service keeps its store (default: a new temporary directory). */
    data_dir: z.string().min(1).optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    /** Rate detector interval for the demo: short, so silence and spikes show within seconds. */
    rate_interval_seconds: z.number().positive().default(10),
    /** Lines per ingest request (bounds what is in flight). */
    batch_lines: z.number().int().min(100).max(100_000).default(5000),
  })
  .strict();

export type DemoConfig = z.infer<typeof demoConfigSchema>;
export type DemoOptions = z.input<typeof demoConfigSchema>;
