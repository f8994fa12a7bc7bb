/**
 * @module feedback/duration
 * Durations as people type them: a positive integer and one unit, `s`, `m`, `h`, `d` or `w`
 * (`30m`, `2h`, `7d`). Nothing else is accepted (no sums, no fractions).
 */
export const DURATION_PATTERN = /^[1-9][0-9]{0,6}[smhdw]$/;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration, or undefined when it is not one. */
export function parseDuration(s: string): number | undefined {
  if (!DURATION_PATTERN.test(s)) return undefined;
  return Number(s.slice(0, -1)) * UNIT_MS[s[s.length - 1]];
}
