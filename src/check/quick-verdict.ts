// A contract value's verdict without compiling its schema, for the keywords most contracts use. ajv stays the
// validator of record (DESIGN.md §1): it compiles a function per schema, ~4 ms each, which was most of a cold
// `check` of a realm with many contracts. This interpreter answers only where it is sure to agree with ajv:
//   true      the schema uses only the keywords below, is well formed, and the value is valid;
//   false     the same, and the value is invalid (ajv is then asked, to explain it);
//   undefined anything else: another keyword, a malformed schema, a value this code does not model.
// tests/check/quick-verdict.test.ts compares it with ajv on thousands of generated schemas and values.
import { fullFormats } from "ajv-formats/dist/formats.js";
import { compilePattern, type Pattern } from "../realm/pattern.ts";

type Schema = boolean | { readonly [k: string]: unknown };

/** $schema values ajv knows (validate.ts picks the draft-07 instance for the draft-07 ones). */
const KNOWN_DIALECTS = new Set(["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema"]);
const TYPES = new Set(["null", "boolean", "object", "array", "number", "integer", "string"]);
const STRING_ANNOTATIONS = new Set(["title", "description", "$comment"]);
const BOOLEAN_ANNOTATIONS = new Set(["deprecated", "readOnly", "writeOnly"]);
const COUNTS = new Set(["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]);
const LIMITS = new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]);

export function quickVerdict(schema: unknown, value: unknown): boolean | undefined {
  if (!isSchema(schema) || !supported(schema, true) || !plainData(value, 0)) return undefined;
  try {
    return valid(schema, value);
  } catch {
    return undefined; // a format check that threw, say: let ajv decide
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isSchema = (x: unknown): x is Schema => typeof x === "boolean" || isObject(x);
const isCount = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 0;
/** The pattern as ajv compiles it (RE2, realm/pattern.ts); null when it cannot be used, which is ajv's to report. */
function regex(source: string): Pattern | null {
  try {
    return compilePattern(source);
  } catch {
    return null;
  }
}

/** Every keyword known and well formed, everywhere in the schema (ajv checks the whole schema, used or not). */
function supported(s: Schema, root: boolean): boolean {
  if (typeof s === "boolean") return true;
  for (const [k, v] of Object.entries(s)) {
    if (k === "$schema") {
      if (!root || typeof v !== "string" || !KNOWN_DIALECTS.has(v)) return false;
    } else if (STRING_ANNOTATIONS.has(k)) {
      if (typeof v !== "string") return false;
    } else if (BOOLEAN_ANNOTATIONS.has(k)) {
      if (typeof v !== "boolean") return false;
    } else if (k === "default") {
      if (!plainData(v, 0)) return false;
    } else if (k === "examples") {
      if (!Array.isArray(v) || !plainData(v, 0)) return false;
    } else if (k === "type") {
      const list = Array.isArray(v) ? v : [v];
      if (list.length === 0 || new Set(list).size !== list.length || !list.every((t) => typeof t === "string" && TYPES.has(t))) return false;
    } else if (k === "enum") {
      if (!Array.isArray(v) || !plainData(v, 0)) return false;
    } else if (k === "const") {
      if (!plainData(v, 0)) return false;
    } else if (COUNTS.has(k)) {
      if (!isCount(v)) return false;
    } else if (LIMITS.has(k)) {
      if (typeof v !== "number" || !Number.isFinite(v)) return false;
    } else if (k === "pattern") {
      if (typeof v !== "string" || !regex(v)) return false;
    } else if (k === "format") {
      const f = typeof v === "string" && Object.hasOwn(fullFormats, v) ? (fullFormats as Record<string, unknown>)[v] : undefined;
      if (!f || (isObject(f) && f.async)) return false;
    } else if (k === "uniqueItems") {
      if (typeof v !== "boolean") return false;
    } else if (k === "required") {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string") || new Set(v).size !== v.length) return false;
    } else if (k === "properties") {
      if (!isObject(v) || !Object.values(v).every((p) => isSchema(p) && supported(p, false))) return false;
    } else if (k === "additionalProperties" || k === "items" || k === "not" || k === "if" || k === "then" || k === "else") {
      if (!isSchema(v) || !supported(v, false)) return false;
    } else if (k === "allOf" || k === "anyOf" || k === "oneOf") {
      if (!Array.isArray(v) || v.length === 0 || !v.every((p) => isSchema(p) && supported(p, false))) return false;
    } else {
      return false; // $ref, $defs, patternProperties, prefixItems, contains, multipleOf, dependent*, unevaluated*, …
    }
  }
  return true;
}

/** JSON-like data only: finite numbers, plain objects and arrays, not too deep. */
function plainData(x: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (x === null || typeof x === "string" || typeof x === "boolean") return true;
  if (typeof x === "number") return Number.isFinite(x);
  if (Array.isArray(x)) return x.every((e) => plainData(e, depth + 1));
  if (typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    return (proto === Object.prototype || proto === null) && Object.values(x).every((e) => plainData(e, depth + 1));
  }
  return false;
}

function typeOk(t: string, x: unknown): boolean {
  switch (t) {
    case "null":
      return x === null;
    case "array":
      return Array.isArray(x);
    case "object":
      return isObject(x);
    case "integer":
      return typeof x === "number" && Number.isInteger(x);
    default:
      return typeof x === t; // number, string, boolean
  }
}

/** Code points, as ajv counts a string's length. */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** fast-deep-equal's notion of equality, as ajv's enum, const and uniqueItems use it (on plain data). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => equal(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function formatOk(name: string, x: unknown): boolean {
  const f = (fullFormats as Record<string, unknown>)[name];
  const def = isObject(f) && !(f instanceof RegExp) ? f : { validate: f };
  const type = typeof def.type === "string" ? def.type : "string";
  if (typeof x !== type) return true; // a format applies only to its own type
  const check = def.validate;
  if (check instanceof RegExp) return check.test(x as string);
  if (typeof check === "function") return Boolean(check(x));
  throw new Error(`format ${name}: nothing to check with`);
}

function valid(s: Schema, x: unknown): boolean {
  if (typeof s === "boolean") return s;
  if (s.type !== undefined) {
    const list = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!list.some((t) => typeOk(t, x))) return false;
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => equal(e, x))) return false;
  if (s.const !== undefined && !equal(s.const, x)) return false;
  if (typeof x === "number") {
    if (typeof s.minimum === "number" && !(x >= s.minimum)) return false;
    if (typeof s.maximum === "number" && !(x <= s.maximum)) return false;
    if (typeof s.exclusiveMinimum === "number" && !(x > s.exclusiveMinimum)) return false;
    if (typeof s.exclusiveMaximum === "number" && !(x < s.exclusiveMaximum)) return false;
  }
  if (typeof x === "string") {
    if (s.minLength !== undefined || s.maxLength !== undefined) {
      const n = length(x);
      if (s.minLength !== undefined && n < (s.minLength as number)) return false;
      if (s.maxLength !== undefined && n > (s.maxLength as number)) return false;
    }
    if (typeof s.pattern === "string" && !regex(s.pattern)!.test(x)) return false;
  }
  if (typeof s.format === "string" && !formatOk(s.format, x)) return false;
  if (Array.isArray(x)) {
    if (s.minItems !== undefined && x.length < (s.minItems as number)) return false;
    if (s.maxItems !== undefined && x.length > (s.maxItems as number)) return false;
    if (s.uniqueItems === true && x.some((e, i) => x.slice(i + 1).some((f) => equal(e, f)))) return false;
    if (s.items !== undefined && !x.every((e) => valid(s.items as Schema, e))) return false;
  }
  if (isObject(x)) {
    const keys = Object.keys(x);
    if (s.minProperties !== undefined && keys.length < (s.minProperties as number)) return false;
    if (s.maxProperties !== undefined && keys.length > (s.maxProperties as number)) return false;
    if (s.required !== undefined && !(s.required as string[]).every((k) => Object.hasOwn(x, k))) return false;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const k of keys) {
      if (Object.hasOwn(props, k)) {
        if (!valid(props[k]!, x[k])) return false;
      } else if (s.additionalProperties !== undefined && !valid(s.additionalProperties as Schema, x[k])) {
        return false;
      }
    }
  }
  if (s.allOf !== undefined && !(s.allOf as Schema[]).every((p) => valid(p, x))) return false;
  if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((p) => valid(p, x))) return false;
  if (s.oneOf !== undefined && (s.oneOf as Schema[]).filter((p) => valid(p, x)).length !== 1) return false;
  if (s.not !== undefined && valid(s.not as Schema, x)) return false;
  if (s.if !== undefined) {
    const branch = valid(s.if as Schema, x) ? s.then : s.else;
    if (branch !== undefined && !valid(branch as Schema, x)) return false;
  }
  return true;
}
