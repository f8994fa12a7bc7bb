/**
 * @module config/load
 * Reads one YAML configuration, substitutes `${ENV_VAR}` references (secrets stay out of files),
 * validates it against a strict schema (unknown keys are errors; defaults live in the schema),
 * reports every issue with its key path, and returns a deep-frozen value. The only module that
 * reads `process.env`.
 * @example
 * const cfg = loadConfigFile('anomalog.yaml', serveConfigSchema);
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ZodType } from 'zod';
import { AnomalogError } from '../core/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The process environment, for the few command-line decisions that depend on it (`CI`, a display to open a browser on). */
export function processEnv(): Env {
  return process.env;
}

/** Parses, substitutes and validates YAML text; `where` names the file in messages. */
export function loadConfigText<T>(text: string, schema: ZodType<T>, where = 'configuration', env: Env = process.env): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `${where}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0]}.`, {
      hint: 'Fix the YAML syntax at that position.',
    });
  }
  if (doc.contents !== null && !isMap(doc.contents) && !isSeq(doc.contents)) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `${where}: the top level must be a mapping of options.`);
  }
  const raw = substituteEnv(doc.toJS() ?? {}, env, where, []);
  return validate(raw, schema, where);
}

export function loadConfigFile<T>(path: string, schema: ZodType<T>, env: Env = process.env): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read configuration ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, {
      hint: 'Check the --config path.',
    });
  }
  return loadConfigText(text, schema, path, env);
}

/** Validates an already-built object (e.g. from CLI flags) with the same error format. */
export function validate<T>(raw: unknown, schema: ZodType<T>, where = 'configuration'): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `${where}: ${issues.join('; ')}.`, {
      hint: issues.length > 1 ? `${issues.length} problems, all listed above.` : undefined,
    });
  }
  return deepFreeze(r.data);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

const ENV_REF = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/** `${NAME}` or `${NAME:-default}` inside string values → the environment variable. */
function substituteEnv(v: unknown, env: Env, where: string, path: PropertyKey[]): unknown {
  if (typeof v === 'string') {
    return v.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const value = env[name] ?? fallback;
      if (value === undefined) {
        throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `${where}: ${formatPath(path)}: environment variable ${name} is not set.`, {
          hint: `Export ${name}, or write \${${name}:-default}.`,
        });
      }
      return value;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => substituteEnv(x, env, where, [...path, i]));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = substituteEnv(x, env, where, [...path, k]);
    return out;
  }
  return v;
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
