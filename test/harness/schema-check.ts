/**
 * @module test/harness/schema-check
 * A small JSON Schema check for the subset docs/openapi.yaml uses (type with type arrays for
 * nullable, properties, required, items, enum, additionalProperties, oneOf, $ref, minimum,
 * maximum, maxLength). A keyword outside the subset is an error, so the spec cannot quietly use
 * one this check would ignore.
 * @example
 * const problems = checkSchema(res.json(), spec.components.schemas.Anomaly, spec);
 * expect(problems).toEqual([]);
 */

export type Schema = { [key: string]: unknown };

const CHECKED = new Set(['type', 'properties', 'required', 'items', 'enum', 'additionalProperties', 'oneOf', '$ref', 'minimum', 'maximum', 'maxLength']);
const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'default', 'format']);

/** Follows a local `#/a/b/c` reference inside `root`. */
export function resolveRef(ref: string, root: unknown): Schema {
  if (!ref.startsWith('#/')) throw new Error(`Only local references are supported, got ${ref}.`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`Unresolved reference ${ref}.`);
  }
  return node as Schema;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return typeof v === 'number' && Number.isInteger(v);
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeOf(v) === t;
}

/** Problems of `value` against `schema` (empty when it conforms), each prefixed with its JSON path. */
export function checkSchema(value: unknown, schema: Schema, root: unknown, path = '$'): string[] {
  for (const k of Object.keys(schema)) {
    if (!CHECKED.has(k) && !ANNOTATIONS.has(k)) throw new Error(`Schema keyword "${k}" at ${path} is outside the checked subset.`);
  }
  if (typeof schema.$ref === 'string') return checkSchema(value, resolveRef(schema.$ref, root), root, path);
  const out: string[] = [];
  if (Array.isArray(schema.oneOf)) {
    const matches = (schema.oneOf as Schema[]).filter((s) => checkSchema(value, s, root, path).length === 0).length;
    if (matches !== 1) out.push(`${path}: matches ${matches} of the oneOf alternatives, not exactly one`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) return [...out, `${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (typeof value === 'string' && typeof schema.maxLength === 'number' && value.length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
  if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < value.length; i++) out.push(...checkSchema(value[i], schema.items as Schema, root, `${path}[${i}]`));
  }
  if (typeOf(value) === 'object') out.push(...checkObject(value as Record<string, unknown>, schema, root, path));
  return out;
}

function checkObject(obj: Record<string, unknown>, schema: Schema, root: unknown, path: string): string[] {
  const out: string[] = [];
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) out.push(`${path}: missing required property "${key}"`);
  const extra = schema.additionalProperties;
  for (const [key, v] of Object.entries(obj)) {
    if (key in props) out.push(...checkSchema(v, props[key], root, `${path}.${key}`));
    else if (extra === false) out.push(`${path}: property "${key}" is not in the spec`);
    else if (extra !== undefined && extra !== true) out.push(...checkSchema(v, extra as Schema, root, `${path}.${key}`));
  }
  return out;
}
