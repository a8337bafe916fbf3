// The patterns of a contract schema that blue cannot evaluate: `pattern` values and `patternProperties` keys that
// are regular expressions but need what RE2 lacks (realm/pattern.ts), each with its place in the schema, so
// contract mode can name the file, line and column. Only the places a validator compiles a pattern are visited:
// a "pattern" key inside `properties` names a property, and inside `enum` or `default` it is data.
import { patternProblem, type PatternError } from "../realm/pattern.ts";

export type UnsupportedPattern = { path: (string | number)[]; error: PatternError };

/** Keywords whose value is one schema, a list of schemas, or a map of names to schemas (2020-12 and draft-07). */
const ONE = new Set(["additionalProperties", "additionalItems", "items", "contains", "not", "if", "then", "else", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema"]);
const LIST = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);
const MAP = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"]);
/** Deeper than any real contract; a deeper schema is ajv's to refuse, not a reason to overflow the stack here. */
const MAX_DEPTH = 256;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Every pattern in the schema that is a valid regular expression RE2 cannot run, in document order. */
export function unsupportedPatterns(schema: unknown): UnsupportedPattern[] {
  const out: UnsupportedPattern[] = [];
  const check = (source: string, path: (string | number)[]) => {
    const error = patternProblem(source);
    if (error?.kind === "unsupported") out.push({ path, error });
  };
  const walk = (s: unknown, path: (string | number)[]): void => {
    if (!isObject(s) || path.length > MAX_DEPTH) return;
    for (const [k, v] of Object.entries(s)) {
      const here = [...path, k];
      if (k === "pattern" && typeof v === "string") check(v, here);
      if (k === "patternProperties" && isObject(v)) for (const key of Object.keys(v)) check(key, [...here, key]);
      if (ONE.has(k)) walk(v, here);
      if (LIST.has(k) && Array.isArray(v)) v.forEach((x, i) => walk(x, [...here, i]));
      if (MAP.has(k) && isObject(v)) for (const [name, x] of Object.entries(v)) walk(x, [...here, name]);
    }
  };
  walk(schema, []);
  return out;
}
