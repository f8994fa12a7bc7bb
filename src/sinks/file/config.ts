/**
 * @module sinks/file/config
 * Strict schema of the file sink (defaults live here).
 */
import { z } from 'zod';
import { deliveryShape } from '../shared/delivery.js';

export const fileSinkConfigSchema = z
  .object({
    ...deliveryShape({ batch_size: 200 }),
    /** JSON-lines file appended to; `-` = standard output. */
    path: z.string().min(1),
  })
  .strict();

export type FileSinkConfig = z.infer<typeof fileSinkConfigSchema>;
export type FileSinkOptions = z.input<typeof fileSinkConfigSchema>;
