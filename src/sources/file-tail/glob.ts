/**
 * @module sources/file-tail/glob
 * Expands the configured paths and glob patterns (`*`, `?` within a path segment, `**` across
 * segments) to the regular files they match. Patterns come from configuration only. Directory
 * symlinks are not followed and a walk visits at most `MAX_ENTRIES` entries, so a scan is bounded.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MAX_DEPTH = 32;
const MAX_ENTRIES = 200_000;

export interface CompiledPattern {
  /** Absolute pattern. */
  readonly pattern: string;
  /** Longest leading directory without wildcards (the pattern itself for a plain path). */
  readonly base: string;
  /** Whole-path matcher; null for a plain path. */
  readonly regex: RegExp | null;
  /** Per-segment matchers below `base` (for patterns without `**`). */
  readonly segments: RegExp[];
  readonly recursive: boolean;
}

const hasMagic = (s: string): boolean => s.includes('*') || s.includes('?');

/** Compiles one configured path or pattern (resolved against `cwd`). */
export function compilePattern(p: string, cwd = process.cwd()): CompiledPattern {
  const abs = path.resolve(cwd, p);
  const segs = abs.split('/');
  let i = 0;
  while (i < segs.length && !hasMagic(segs[i])) i++;
  if (i === segs.length) return { pattern: abs, base: abs, regex: null, segments: [], recursive: false };
  const rest = segs.slice(i);
  return {
    pattern: abs,
    base: segs.slice(0, i).join('/') || '/',
    regex: new RegExp(`^${globToRegExpSource(abs)}$`),
    segments: rest.map((s) => new RegExp(`^${globToRegExpSource(s)}$`)),
    recursive: rest.includes('**'),
  };
}

/** `*` and `?` stay within a segment; a `**` segment spans zero or more directories. */
export function globToRegExpSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/')) {
      const atEnd = i + 2 === glob.length;
      if (atEnd) {
        out += '.*';
        i += 1;
      } else if (glob[i + 2] === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
      } else {
        out += '[^/]*';
        i += 1;
      }
    } else if (c === '*') {
      while (glob[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** Adds to `out` every regular file (or symlink to one) the pattern matches, in sorted order. */
export async function expandPattern(c: CompiledPattern, out: Set<string>): Promise<void> {
  if (c.regex === null) {
    out.add(c.pattern);
    return;
  }
  const budget = { left: MAX_ENTRIES };
  await walk(c, c.base, 0, out, budget);
}

async function walk(c: CompiledPattern, dir: string, depth: number, out: Set<string>, budget: { left: number }): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // a missing or unreadable directory matches nothing (yet)
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (--budget.left < 0) return;
    const full = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (c.recursive ? depth < MAX_DEPTH : depth + 1 < c.segments.length && c.segments[depth].test(e.name)) {
        await walk(c, full, depth + 1, out, budget);
      }
    } else if (e.isFile() || e.isSymbolicLink()) {
      const ok = c.recursive ? (c.regex as RegExp).test(full) : depth + 1 === c.segments.length && c.segments[depth].test(e.name);
      if (ok) out.add(full);
    }
  }
}
