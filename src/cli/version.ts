/** The package version, reported by --version and /api/health. */
export const VERSION = '0.1.0';
