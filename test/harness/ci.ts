/**
 * Whether the tests run in CI, where a missing real component (Prometheus, Alertmanager, Chromium,
 * `logger`) must fail its test instead of skipping it. True for any non-empty `CI` other than `0` or
 * `false` (any case): CI systems set `true`, `1`, `TRUE`…, and `.ci/run` keeps a value already set.
 */
export function isCI(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}
