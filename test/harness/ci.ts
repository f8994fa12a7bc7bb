/**
 * Whether the tests run in CI, where a missing real component (Prometheus, Alertmanager, Chromium,
 * `logger`) must fail its test instead of skipping it. True for any non-empty `CI` other than `0` or
 * `false` (any case): CI systems set `true`, `1`, `TRUE`…, and `.ci/run` keeps a value already set.
 */
import { describe, expect, it } from 'vitest';

export function isCI(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/**
 * A real component the tests of this file need. Returns `present`; when it is false, under CI a test
 * `has <what>` fails with `missing` (what is absent and the script that provisions it), elsewhere a
 * warning says the same and the caller skips (`describe.skipIf(!requireComponent(…))`).
 */
export function requireComponent(present: boolean, what: string, missing: string): boolean {
  if (present) return true;
  if (isCI()) {
    describe(`${what}: provisioning`, () => {
      it(`has ${what}`, () => {
        expect.fail(missing);
      });
    });
  } else console.warn(`Skipping the tests that need ${what}: ${missing}`);
  return false;
}
