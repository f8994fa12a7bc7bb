/**
 * @module core/event-read
 * Reading an event the same way in every stage that reads it (the streaming detectors, the count
 * windows of features/): its level class and its raw line, whatever the event looks like.
 */

export type LevelClass = 'fatal' | 'error' | 'warn' | 'other';

/** Level (normalised to trace/debug/info/notice/warn/error/fatal, or anything else) → class. */
export function levelClass(level: string | undefined): LevelClass {
  switch (level) {
    case 'fatal':
    case 'critical':
      return 'fatal';
    case 'error':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    default:
      return 'other';
  }
}

/** Raw text of an event, whatever the event looks like. */
export function rawOf(e: { raw?: unknown; message?: unknown }): string {
  if (typeof e.raw === 'string') return e.raw;
  if (typeof e.message === 'string') return e.message;
  return '';
}
