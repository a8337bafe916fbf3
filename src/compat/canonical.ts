// One JSON text per value, with object keys sorted, so deep equality and set membership of enum values,
// combinator members and list elements are plain string comparisons (and cost one pass per value).

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function isScalar(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  // undefined (a missing part) must differ from null; JSON.stringify would turn it into undefined.
  return v === undefined ? "undefined" : JSON.stringify(v);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || canonical(a) === canonical(b);
}

/**
 * Deep equality that gives up (false) on the first difference or the first `$ref`: two subtrees it calls
 * equal cannot differ anywhere below, so the walk skips them. It allocates nothing, which is what keeps a
 * 2,000-property schema fast.
 */
export function sameWithoutRefs(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== "object" || a === null || !containsRef(a);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameWithoutRefs(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as JsonObject;
  const y = b as JsonObject;
  let count = 0;
  for (const k in x) {
    if (k === "$ref" || k === "$dynamicRef" || k === "$recursiveRef" || !Object.hasOwn(y, k) || !sameWithoutRefs(x[k], y[k])) return false;
    count++;
  }
  return count === Object.keys(y).length;
}

function containsRef(v: object): boolean {
  if (Array.isArray(v)) return v.some((x) => x !== null && typeof x === "object" && containsRef(x));
  for (const k in v) {
    const x = (v as JsonObject)[k];
    if (k === "$ref" || k === "$dynamicRef" || k === "$recursiveRef" || (x !== null && typeof x === "object" && containsRef(x))) return true;
  }
  return false;
}

export type ElementMatch = { removed: number[]; added: number[]; pairs: [number, number][] };

/**
 * Elements of `before` and `after` matched by deep equality, duplicates counted (a multiset): the indexes
 * left unmatched on each side and the matched pairs, each in order.
 */
export function matchElements(before: readonly unknown[], after: readonly unknown[]): ElementMatch {
  const pending = new Map<string, number[]>();
  after.forEach((v, i) => {
    const key = canonical(v);
    const list = pending.get(key);
    if (list) list.push(i);
    else pending.set(key, [i]);
  });
  const removed: number[] = [];
  const pairs: [number, number][] = [];
  const matched = new Set<number>();
  before.forEach((v, i) => {
    const match = pending.get(canonical(v))?.shift();
    if (match === undefined) removed.push(i);
    else {
      matched.add(match);
      pairs.push([i, match]);
    }
  });
  const added = after.map((_, i) => i).filter((i) => !matched.has(i));
  return { removed, added, pairs };
}
