// Candidate values for the differential test: read off both schemas of a pair (their constants, bounds and
// their neighbours, property names, pattern literals, tuple shapes), then mutated with a seeded PRNG. The judge
// (ajv) decides which side accepts each one; this file only proposes. No regular-expression engine is used to
// generate strings: pattern literals and a fixed alphabet stand in, so any pattern RE2 accepts is fine.

type Json = unknown;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Facts gathered from every schema object of both documents, whatever its place. */
type Pool = { numbers: Set<number>; strings: Set<string>; keys: Set<string>; consts: Json[]; lengths: Set<number> };

const BASE_NUMBERS = [0, 1, -1, 2, 3, 0.5, 1.5, 0.1, 0.2, 0.3, 0.6, 0.30000000000000004, 10, 100, 1e21, 1.5e21, 3e21, -1.5e21, 2 ** 53, 2 ** 53 + 2];
const BASE_STRINGS = ["", "a", "b", "ab", "ba", "abc", "x", "A1", "zz", "2020-01-31", "12:00:00Z", "2020-01-31T12:00:00Z", "a@b.co", "not an email", "http://x.y/z", "1", "-"];

function gather(schema: Json, pool: Pool, depth = 0): void {
  if (depth > 12) return;
  if (Array.isArray(schema)) return schema.forEach((s) => gather(s, pool, depth + 1));
  if (!isObj(schema)) return;
  for (const [k, v] of Object.entries(schema)) {
    if (typeof v === "number") {
      pool.numbers.add(v);
      for (const d of [-1, 1, -0.5, 0.5, 2, 3]) pool.numbers.add(k === "multipleOf" ? v * d : v + d);
      if (k === "multipleOf") for (const m of [1e21, 1.5e21, 3e21, 7, 10, 11]) pool.numbers.add(v * m);
      if (/Length|Items|Properties|Contains/.test(k)) for (const d of [-1, 0, 1]) if (v + d >= 0) pool.lengths.add(v + d);
    }
    if (k === "const") pool.consts.push(v);
    if (k === "enum" && Array.isArray(v)) pool.consts.push(...v);
    if ((k === "properties" || k === "dependentRequired" || k === "dependentSchemas" || k === "dependencies") && isObj(v)) Object.keys(v).forEach((key) => pool.keys.add(key));
    if (k === "required" && Array.isArray(v)) v.forEach((key) => typeof key === "string" && pool.keys.add(key));
    if (k === "patternProperties" && isObj(v)) Object.keys(v).forEach((p) => patternSamples(p).forEach((s) => pool.keys.add(s)));
    if (k === "pattern" && typeof v === "string") patternSamples(v).forEach((s) => pool.strings.add(s));
    if (k === "default" || k === "examples") continue;
    if (typeof v === "object" && v !== null) gather(v, pool, depth + 1);
  }
}

/** Strings near a pattern: its literal characters, with and without anchors, repeated, with a tail. */
function patternSamples(p: string): string[] {
  const literal = p.replace(/^\^/, "").replace(/\$$/, "").replace(/\\d/g, "1").replace(/[\\()[\]{}*+?|^$.]/g, "");
  return [literal, `${literal}x`, `x${literal}`, `${literal}${literal}`, literal.slice(0, 1), `${literal}1`, "a1"].filter((s, i, all) => all.indexOf(s) === i);
}

function scalars(pool: Pool): Json[] {
  const strings = [...BASE_STRINGS, ...pool.strings, ...pool.keys, ...[...pool.lengths].map((n) => "a".repeat(Math.min(n, 40)))];
  return [null, true, false, ...BASE_NUMBERS, ...pool.numbers, ...strings, ...pool.consts];
}

/** Objects and arrays built from the pool: every key alone, pairs, all keys, and keys outside the schema. */
function composites(pool: Pool, leaves: Json[], next: () => number): Json[] {
  const pick = () => leaves[Math.floor(next() * leaves.length)];
  const keys = [...pool.keys, "zz", "extra", "A1"];
  const out: Json[] = [{}, []];
  for (const k of keys) for (let i = 0; i < 4; i++) out.push({ [k]: pick() });
  for (let i = 0; i < 60; i++) {
    const o: Obj = {};
    for (const k of keys) if (next() < 0.5) o[k] = pick();
    out.push(o);
  }
  for (const n of [1, 2, 3, 4, ...pool.lengths]) {
    for (let i = 0; i < 6; i++) out.push(Array.from({ length: Math.min(n, 8) }, pick));
    const one = pick();
    out.push(Array.from({ length: Math.min(n, 8) }, () => one));
  }
  return out;
}

/** A seeded change of a value: a key dropped or added, an element appended, doubled or swapped, a number nudged. */
function mutate(v: Json, leaves: Json[], next: () => number, keys: string[]): Json {
  const pick = () => leaves[Math.floor(next() * leaves.length)];
  if (isObj(v)) {
    const out: Obj = { ...v };
    const own = Object.keys(out);
    const r = next();
    if (r < 0.3 && own.length) delete out[own[Math.floor(next() * own.length)]!];
    else if (r < 0.6) out[keys[Math.floor(next() * keys.length)] ?? "zz"] = pick();
    else if (own.length) {
      const k = own[Math.floor(next() * own.length)]!;
      out[k] = next() < 0.5 ? pick() : mutate(out[k], leaves, next, keys);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const r = next();
    if (r < 0.3) return [...v, pick()];
    if (r < 0.5 && v.length) return [...v, v[0]];
    if (r < 0.7 && v.length) return v.slice(1);
    if (v.length) return v.map((x, i) => (i === Math.floor(next() * v.length) ? mutate(x, leaves, next, keys) : x));
    return [pick()];
  }
  if (typeof v === "number") return next() < 0.5 ? v + (next() < 0.5 ? 1 : -1) : pick();
  return pick();
}

/** Up to `limit` distinct values, the same for the same schemas and seed. */
export function candidateValues(schemas: Json[], next: () => number, limit = 700): Json[] {
  const pool: Pool = { numbers: new Set(), strings: new Set(), keys: new Set(), consts: [], lengths: new Set() };
  schemas.forEach((s) => gather(s, pool));
  const leaves = scalars(pool);
  const level1 = composites(pool, leaves, next);
  const level2 = composites(pool, [...leaves, ...level1], next);
  const seen = new Set<string>();
  const out: Json[] = [];
  const add = (v: Json) => {
    const key = JSON.stringify(v);
    if (out.length < limit && !seen.has(key)) (seen.add(key), out.push(v));
  };
  [...leaves, ...level1, ...level2].forEach(add);
  const keys = [...pool.keys, "zz"];
  for (let i = 0; out.length < limit && i < limit * 3; i++) add(mutate(out[Math.floor(next() * out.length)], leaves, next, keys));
  return out;
}
