/**
 * @module sources/file-tail/config
 * Strict schema of the file tail source (defaults live here).
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from '../../parsers/lines/index.js';

const MIB = 1024 * 1024;

export const fileTailConfigSchema = z
  .object({
    /** Files and glob patterns (`*`, `?`, `**`), absolute or relative to the working directory. */
    paths: z.array(z.string().min(1)).min(1),
    /** Patterns of paths to leave out (e.g. `/var/log/app/*.gz` for compressed rotations). */
    exclude_paths: z.array(z.string().min(1)).default([]),
    /** How often files are stat'ed and globs rescanned when no file has new data. */
    poll_interval_ms: z.number().int().min(1).max(60_000).default(250),
    /** Bytes read per read call (the one shared read buffer). */
    read_bytes: z.number().int().min(1024).max(64 * MIB).default(MIB),
    /** Where a file present at start-up without a checkpoint is read from. Files that appear later start at 0. */
    start_at: z.enum(['beginning', 'end']).default('beginning'),
    /** Longest line kept, in bytes; longer lines are truncated and counted. */
    max_line_bytes: z.number().int().min(64).max(256 * MIB).default(DEFAULT_MAX_LINE_BYTES),
    /** A last line without a newline is emitted after this long without new bytes (0 = never). */
    partial_line_timeout_ms: z.number().int().min(0).max(3_600_000).default(5_000),
    /** After a rotation is seen, the old file is read to EOF for at least this long before it is closed. */
    rotate_wait_ms: z.number().int().min(0).max(600_000).default(1_000),
    /** Cap on open files; files beyond it wait (counted in `skipped_files`). */
    max_open_files: z.number().int().min(1).max(65_536).default(1_024),
  })
  .strict();

export type FileTailConfig = z.infer<typeof fileTailConfigSchema>;
export type FileTailOptions = z.input<typeof fileTailConfigSchema>;
