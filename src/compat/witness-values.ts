// Candidate values for the witness search (witness.ts): for a schema, a value that is likely valid (`typical`)
// and values on and just past its boundaries (`samples`: enum members, limits ±1, lengths, missing and extra
// keys, other types, strings a pattern matches). Nothing here decides validity: every candidate is judged by the
// validator of record before it is shown. Deterministic: the same schema gives the same values in the same order.

import { parsePointer, valueAt } from "../realm/pointer.ts";
import { patternSamples } from "./pattern-samples.ts";

export { patternSamples };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** One value of each JSON type: a type change is found by one of them. */
export const TYPE_REPS: readonly unknown[] = [null, true, 0, 1.5, "", "a", [], {}];

const FORMAT_EXAMPLES: Record<string, string> = {
  date: "2020-01-01",
  "date-time": "2020-01-01T00:00:00Z",
  time: "00:00:00Z",
  email: "a@example.com",
  hostname: "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  uri: "https://example.com/",
  "uri-reference": "/a",
  uuid: "00000000-0000-0000-0000-000000000000",
  duration: "P1D",
  regex: "a",
};

/** How deep samples recurse into nested schemas; past it, only typical values and the type representatives. */
const DEPTH = 3;
const PER_SCHEMA = 80;

/** A local `$ref` alone (or with siblings, merged under them) followed to its target; anything else as it is. */
export function deref(root: unknown, schema: unknown, seen = 0): unknown {
  if (!isObj(schema) || typeof schema.$ref !== "string" || seen > 16) return schema;
  const ref = schema.$ref;
  if (!ref.startsWith("#")) return schema;
  let tokens: string[] | undefined;
  try {
    tokens = parsePointer(decodeURIComponent(ref.slice(1)));
  } catch {
    return schema;
  }
  const target = tokens === undefined ? undefined : valueAt(root, tokens);
  if (target === undefined) return schema;
  const { $ref: _, ...rest } = schema;
  const resolved = deref(root, target, seen + 1);
  return Object.keys(rest).length && isObj(resolved) ? { ...resolved, ...rest, allOf: [...asArray(resolved.allOf), rest] } : resolved;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The types a schema names, or the ones its keywords imply, or all. */
function typesOf(s: Obj): string[] {
  if (typeof s.type === "string") return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === "string");
  const implied: string[] = [];
  if (["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties"].some((k) => k in s)) implied.push("object");
  if (["items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems"].some((k) => k in s)) implied.push("array");
  if (["minLength", "maxLength", "pattern", "format"].some((k) => k in s)) implied.push("string");
  if (["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"].some((k) => k in s)) implied.push("number");
  return implied.length ? implied : ["object", "string", "number", "integer", "boolean", "null", "array"];
}

/** `allOf` members folded into their parent (properties and required merged), so a typical value meets them all. */
function folded(root: unknown, schema: unknown, depth = 0): unknown {
  const s = deref(root, schema);
  if (!isObj(s) || !Array.isArray(s.allOf)) return s;
  let out: Obj = { ...s };
  delete out.allOf;
  // A member that refers back to its own allOf (a recursive schema) is folded a few levels deep, then left out.
  if (depth > 8) return out;
  for (const m of s.allOf) {
    const f = folded(root, m, depth + 1);
    if (!isObj(f)) continue;
    out = {
      ...out,
      ...f,
      properties: { ...(isObj(out.properties) ? out.properties : {}), ...(isObj(f.properties) ? f.properties : {}) },
      required: [...asArray(out.required), ...asArray(f.required)],
    };
  }
  return out;
}

/** A value the schema most likely accepts. */
export function typical(root: unknown, schema: unknown, depth = 0): unknown {
  const s = folded(root, schema);
  if (!isObj(s)) return s === false ? null : {};
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  const branch = asArray(s.anyOf)[0] ?? asArray(s.oneOf)[0];
  if (branch !== undefined && depth < 8) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    const b = folded(root, branch);
    return typical(root, isObj(b) ? { ...rest, ...b } : b, depth + 1);
  }
  const type = typesOf(s)[0]!;
  if (type === "string") return typicalString(s);
  if (type === "number" || type === "integer") return typicalNumber(s, type === "integer");
  if (type === "boolean") return true;
  if (type === "null") return null;
  if (type === "array") {
    const prefix = asArray(s.prefixItems ?? (Array.isArray(s.items) ? s.items : undefined));
    const item = Array.isArray(s.items) ? s.additionalItems : s.items;
    const out = depth < 8 ? prefix.map((p) => typical(root, p, depth + 1)) : [];
    const min = num(s.minItems) ?? 0;
    while (out.length < min && out.length < 64) out.push(typical(root, item ?? {}, depth + 1));
    return out;
  }
  const props = isObj(s.properties) ? s.properties : {};
  const out: Obj = {};
  if (depth < 8) for (const k of asArray(s.required)) if (typeof k === "string") out[k] = typical(root, props[k] ?? {}, depth + 1);
  const min = num(s.minProperties) ?? 0;
  for (const k of Object.keys(props)) if (Object.keys(out).length < min) out[k] = typical(root, props[k], depth + 1);
  return out;
}

function typicalString(s: Obj): string {
  if (typeof s.format === "string" && FORMAT_EXAMPLES[s.format]) return FORMAT_EXAMPLES[s.format]!;
  if (typeof s.pattern === "string") {
    const m = patternSamples(s.pattern)[0];
    if (m !== undefined) return m;
  }
  const min = num(s.minLength) ?? 0;
  const max = num(s.maxLength) ?? Infinity;
  return "a".repeat(Math.min(Math.max(min, Math.min(1, max)), 4096));
}

function typicalNumber(s: Obj, integer: boolean): number {
  return numberSamples(s, integer).find((n) => inBounds(s, n, integer)) ?? 0;
}

function inBounds(s: Obj, n: number, integer: boolean): boolean {
  const [min, max, xmin, xmax, m] = [num(s.minimum), num(s.maximum), num(s.exclusiveMinimum), num(s.exclusiveMaximum), num(s.multipleOf)];
  if (integer && !Number.isInteger(n)) return false;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) return false;
  if ((xmin !== undefined && n <= xmin) || (xmax !== undefined && n >= xmax)) return false;
  return m === undefined || m <= 0 || Number.isInteger(n / m);
}

/** Numbers on, inside and just past every bound the schema sets, and multiples (and non-multiples) of `multipleOf`. */
function numberSamples(s: Obj, integer: boolean): number[] {
  const out = [0, 1, -1, 2, 0.5, 2.5, -0.5];
  const m = num(s.multipleOf);
  for (const b of [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum].map(num)) {
    if (b === undefined) continue;
    out.push(b, b - 1, b + 1, Math.floor(b), Math.ceil(b), b - 0.5, b + 0.5);
    if (m !== undefined && m > 0) out.push(Math.ceil(b / m) * m, Math.floor(b / m) * m, (Math.ceil(b / m) + 1) * m);
  }
  if (m !== undefined && m > 0) out.push(m, 2 * m, 3 * m, 4 * m, 6 * m, 12 * m, m / 2, m + 1, m * 1.5);
  const seen = new Set<number>();
  return out.filter((n) => Number.isFinite(n) && !seen.has(n) && (seen.add(n), true)).sort((a, b) => (integer ? Number(!Number.isInteger(a)) - Number(!Number.isInteger(b)) : 0));
}

function stringSamples(s: Obj): string[] {
  const out: string[] = [typicalString(s), "", "a", "ab"];
  const lengths = [num(s.minLength), num(s.maxLength)].flatMap((n) => (n === undefined ? [] : [n - 1, n, n + 1]));
  for (const n of lengths) if (n >= 0 && n <= 4096) out.push("a".repeat(n), "b".repeat(n));
  out.push("b", "bbb", "0", "Z", " ");
  if (typeof s.pattern === "string") out.push(...patternSamples(s.pattern), "!", "0", "A");
  if (typeof s.format === "string") out.push(...Object.values(FORMAT_EXAMPLES), "not a format");
  return out;
}

/** A key no declared property and no pattern names (a pattern could still match it; that is ajv's to judge). */
function extraKey(s: Obj): string {
  const props = isObj(s.properties) ? s.properties : {};
  let k = "x";
  for (let i = 1; k in props; i++) k = `x${i}`;
  return k;
}

/** Boundary values for a schema, the most telling first, each JSON value once, at most PER_SCHEMA of them. */
export function samples(root: unknown, schema: unknown, depth = 0): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  const add = (v: unknown) => {
    const k = JSON.stringify(v);
    if (k !== undefined && !seen.has(k) && out.length < PER_SCHEMA) (seen.add(k), out.push(v));
  };
  const s = folded(root, schema);
  add(typical(root, s));
  if (isObj(s)) {
    if ("const" in s) add(s.const);
    for (const v of asArray(s.enum)) add(v);
    for (const v of asArray(s.examples)) add(v);
    if ("default" in s) add(s.default);
    if (depth < DEPTH) {
      const { anyOf, oneOf, not, if: cond, then, else: otherwise, ...rest } = s;
      for (const m of [...asArray(anyOf), ...asArray(oneOf), then, otherwise]) {
        if (m === undefined) continue;
        const b = folded(root, m);
        for (const v of samples(root, isObj(b) ? { ...rest, ...b } : b, depth + 1)) add(v);
      }
      for (const m of [not, cond]) if (m !== undefined) for (const v of samples(root, m, depth + 1)) add(v);
    }
    for (const t of typesOf(s)) {
      if (t === "string") stringSamples(s).forEach(add);
      else if (t === "number" || t === "integer") numberSamples(s, t === "integer").forEach(add);
      else if (t === "boolean") [true, false].forEach(add);
      else if (t === "null") add(null);
      else if (t === "object") objectSamples(root, s, depth).forEach(add);
      else if (t === "array") arraySamples(root, s, depth).forEach(add);
    }
  }
  TYPE_REPS.forEach(add);
  return out;
}

function objectSamples(root: unknown, s: Obj, depth: number): unknown[] {
  const t = typical(root, s);
  const base: Obj = isObj(t) ? t : {};
  const props = isObj(s.properties) ? s.properties : {};
  const out: unknown[] = [base];
  const all: Obj = { ...base };
  // Every declared property, up to a few dozen: a 2,000-property schema must not make each sample that big.
  for (const [k, p] of Object.entries(props).slice(0, 32)) if (!(k in all)) all[k] = typical(root, p, depth + 1);
  out.push(all);
  for (const k of Object.keys(base)) {
    const { [k]: _, ...without } = base;
    out.push(without);
  }
  const extra = extraKey(s);
  for (const v of ["", 0, null, {}]) out.push({ ...base, [extra]: v });
  if (isObj(s.additionalProperties)) out.push({ ...base, [extra]: typical(root, s.additionalProperties, depth + 1) });
  if (isObj(s.patternProperties)) {
    for (const [p, ps] of Object.entries(s.patternProperties)) {
      for (const key of patternSamples(p)) {
        out.push({ ...base, [key]: typical(root, ps, depth + 1) });
        if (depth < DEPTH) for (const v of samples(root, ps, depth + 1).slice(0, 8)) out.push({ ...base, [key]: v });
      }
    }
  }
  if (depth < DEPTH) {
    for (const [k, p] of Object.entries(props).slice(0, 24)) {
      for (const v of samples(root, p, depth + 1).slice(0, 10)) out.push({ ...base, [k]: v });
    }
  }
  for (const [trigger, need] of Object.entries(isObj(s.dependentRequired) ? s.dependentRequired : isObj(s.dependencies) ? s.dependencies : {})) {
    out.push({ ...base, [trigger]: typical(root, props[trigger] ?? {}, depth + 1) });
    if (Array.isArray(need)) out.push({ ...all, [trigger]: typical(root, props[trigger] ?? {}, depth + 1) });
  }
  for (const n of [num(s.minProperties), num(s.maxProperties)]) {
    if (n === undefined) continue;
    for (const size of [n - 1, n, n + 1]) {
      if (size < 0 || size > 64) continue;
      const o: Obj = Object.keys(all).length >= size ? Object.fromEntries(Object.entries(all).slice(0, size)) : { ...all };
      for (let i = 0; Object.keys(o).length < size; i++) o[`${extra}${i}`] = typical(root, s.additionalProperties ?? {}, depth + 1);
      out.push(o);
    }
  }
  return out;
}

function arraySamples(root: unknown, s: Obj, depth: number): unknown[] {
  const t = typical(root, s);
  const base: unknown[] = Array.isArray(t) ? t : [];
  const item = Array.isArray(s.items) ? s.additionalItems : s.items;
  const one = typical(root, item ?? {}, depth + 1);
  const out: unknown[] = [base, [], [...base, one], [...base, one, one]];
  for (const n of [num(s.minItems), num(s.maxItems)]) {
    if (n === undefined) continue;
    for (const size of [n - 1, n, n + 1]) if (size >= 0 && size <= 64) out.push([...base, ...Array(Math.max(0, size - base.length)).fill(one)].slice(0, size));
  }
  if (depth < DEPTH) {
    for (const v of samples(root, item ?? {}, depth + 1).slice(0, 12)) out.push([...base, v]);
    asArray(s.prefixItems ?? (Array.isArray(s.items) ? s.items : undefined)).forEach((p, i) => {
      for (const v of samples(root, p, depth + 1).slice(0, 8)) out.push(Object.assign([...base], { [i]: v }));
    });
    if (s.contains !== undefined) for (const v of samples(root, s.contains, depth + 1).slice(0, 8)) out.push([...base, v]);
  }
  if (s.contains !== undefined) {
    // minContains/maxContains bounds: n-1, n and n+1 items that match `contains`.
    const hit = typical(root, s.contains, depth + 1);
    for (const n of [num(s.minContains), num(s.maxContains)]) {
      if (n === undefined) continue;
      for (const size of [n - 1, n, n + 1]) if (size >= 0 && size <= 64) out.push(Array(size).fill(hit));
    }
  }
  return out;
}
