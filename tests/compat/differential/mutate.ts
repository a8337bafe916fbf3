// Seeded schema mutations whose verdict is known by construction, so "no witness found" is never taken for
// compatibility. Each changes one place reached only through keywords under which a narrower subschema makes
// a narrower whole (properties, items, allOf/anyOf members, then/else, …; never inside not, if, oneOf,
// contains or a definitions table), in documents without unevaluated* (whose meaning depends on siblings):
// - adding a keyword the place lacks, or wrapping a schema as allOf [S, X], only rejects more: N ⊆ O;
// - removing a keyword from the list below, or wrapping as anyOf [S, X], only accepts more: O ⊆ N.
// Each mutation gives two pairs: (S, S') and (S', S), with the directions swapped.

import { pair, type Case } from "./case.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** Keywords whose removal never rejects a value that was accepted (see the file comment for those left out). */
const REMOVABLE = new Set([
  "type", "enum", "const", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf", "maxLength", "minLength",
  "pattern", "format", "maxItems", "minItems", "uniqueItems", "contains", "maxContains", "maxProperties", "minProperties",
  "required", "dependentRequired", "dependentSchemas", "dependencies", "propertyNames", "additionalProperties", "additionalItems",
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref",
]);

/** Constraints to add where the keyword is missing, and second members for allOf/anyOf wrapping. */
const ADDITIONS: Obj[] = [
  { maxLength: 2 }, { minimum: 0 }, { required: ["a"] }, { type: "string" }, { not: { const: 1 } }, { maxItems: 1 },
  { minProperties: 1 }, { multipleOf: 2 }, { pattern: "^a" }, { format: "date" }, { uniqueItems: true }, { enum: [1, "a", null, "ab"] },
  { additionalProperties: false }, { propertyNames: { maxLength: 1 } }, { contains: { type: "string" } }, { exclusiveMaximum: 3 },
  { type: "integer" }, { items: { type: "integer" } }, { dependentRequired: { a: ["b"] } }, { const: "a" },
];

/** Places a mutation may touch, as paths of keys from the root. */
function places(schema: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (!isObj(schema) || path.length > 8) return out;
  out.push(path);
  const each = (kw: string) => {
    const v = schema[kw];
    if (Array.isArray(v)) v.forEach((s, i) => places(s, [...path, kw, i], out));
    else if (isObj(v)) for (const k of Object.keys(v)) places(v[k], [...path, kw, k], out);
  };
  for (const kw of ["properties", "patternProperties", "dependentSchemas", "prefixItems", "allOf", "anyOf"]) each(kw);
  if (isObj(schema.dependencies)) each("dependencies");
  for (const kw of ["additionalProperties", "additionalItems", "then", "else", "propertyNames"]) places(schema[kw], [...path, kw], out);
  if (Array.isArray(schema.items)) each("items");
  else places(schema.items, [...path, "items"], out);
  return out;
}

function at(root: unknown, path: (string | number)[]): Obj {
  return path.reduce<unknown>((node, k) => (node as Obj)[k as string], root) as Obj;
}

const defsOf = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => ["$defs", "definitions", "$schema", "$id"].includes(k)));
const withoutDefs = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => !["$defs", "definitions", "$schema", "$id"].includes(k)));

/** One mutation of `schema`: the new schema and whether it narrows (else it widens); undefined if none applies. */
function mutateOnce(schema: Obj, next: () => number): { neu: Obj; narrows: boolean; what: string } | undefined {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const r = next();
  if (r < 0.15 && !("$id" in schema)) {
    const x = pick(ADDITIONS);
    const narrow = next() < 0.5;
    return { neu: { ...defsOf(schema), [narrow ? "allOf" : "anyOf"]: [withoutDefs(schema), x] }, narrows: narrow, what: `${narrow ? "allOf" : "anyOf"} [S, ${JSON.stringify(x)}]` };
  }
  const path = pick(places(schema));
  const neu = clone(schema);
  const node = at(neu, path);
  if (r < 0.6) {
    const removable = Object.keys(node).filter((k) => REMOVABLE.has(k));
    if (removable.length === 0) return undefined;
    const k = pick(removable);
    delete node[k];
    return { neu, narrows: false, what: `removed /${[...path, k].join("/")}` };
  }
  const x = pick(ADDITIONS);
  const [k] = Object.keys(x);
  if (k === undefined || k in node) return undefined;
  node[k] = clone(x[k]);
  return { neu, narrows: true, what: `added ${JSON.stringify(x)} at /${path.join("/")}` };
}

export function mutatedCases(bases: readonly unknown[], count: number, next: () => number): Case[] {
  const usable = bases.filter((s): s is Obj => isObj(s) && !JSON.stringify(s).includes("unevaluated"));
  const out: Case[] = [];
  for (let tries = 0; out.length < count * 2 && tries < count * 20; tries++) {
    const base = usable[Math.floor(next() * usable.length)]!;
    const m = mutateOnce(base, next);
    if (!m || JSON.stringify(m.neu) === JSON.stringify(base)) continue;
    const [b, f] = m.narrows ? (["c", "?"] as const) : (["?", "c"] as const);
    out.push(pair(`mutation ${out.length / 2}: ${m.what}`, base, m.neu, b, f));
    out.push(pair(`mutation ${out.length / 2 - 0.5} reversed`, m.neu, base, f, b));
  }
  return out;
}

/** Every object node of a schema, wherever it is (inside not, oneOf, if and definitions too). */
function everywhere(schema: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (path.length > 10) return out;
  if (Array.isArray(schema)) schema.forEach((s, i) => everywhere(s, [...path, i], out));
  else if (isObj(schema)) {
    out.push(path);
    for (const [k, v] of Object.entries(schema)) if (!["enum", "const", "default", "examples"].includes(k)) everywhere(v, [...path, k], out);
  }
  return out;
}

const TYPES = ["string", "integer", "number", "null", "object", "array", "boolean"];

/** A small edit of one keyword's value, whose verdict nobody labels: only ajv's witnesses judge it, so these
 *  pairs test soundness in places the labelled mutations avoid (not, oneOf, if, definitions, unevaluated*). */
function tweak(v: unknown, next: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  if (typeof v === "number") return pick([v + 1, v - 1, v * 2, v / 2, v === 0 ? 1 : -v]);
  if (typeof v === "boolean") return !v;
  if (typeof v === "string") return TYPES.includes(v) ? pick(TYPES.filter((t) => t !== v)) : pick([`${v}x`, v.slice(1), "^b", "date"]);
  if (Array.isArray(v)) return next() < 0.5 && v.length > 0 ? v.filter((_, i) => i !== Math.floor(next() * v.length)) : [...v, pick(["zz", 2, "a", null, { type: "integer" }])];
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return { type: pick(TYPES) };
    const k = pick(keys);
    return next() < 0.4 ? Object.fromEntries(Object.entries(v).filter(([x]) => x !== k)) : { ...v, [k]: tweak(v[k], next) };
  }
  return v;
}

export function tweakedCases(bases: readonly unknown[], count: number, next: () => number): Case[] {
  const usable = bases.filter(isObj);
  const out: Case[] = [];
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const base = usable[Math.floor(next() * usable.length)]!;
    const paths = everywhere(base);
    const path = paths[Math.floor(next() * paths.length)]!;
    const neu = clone(base);
    const node = at(neu, path);
    const keys = Object.keys(node).filter((k) => k !== "$schema" && k !== "$id");
    if (keys.length === 0) continue;
    const k = keys[Math.floor(next() * keys.length)]!;
    node[k] = tweak(node[k], next);
    if (JSON.stringify(neu) === JSON.stringify(base)) continue;
    out.push(pair(`tweak ${out.length}: /${[...path, k].join("/")}`, base, neu, "?", "?"));
  }
  return out;
}
