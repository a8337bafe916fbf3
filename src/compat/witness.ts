// A witness for a breaking finding: a concrete JSON value one version accepts and the other rejects, in the
// direction that breaks (backwards: valid under NEW, rejected by OLD; forwards: valid under OLD, rejected by
// NEW). The search is guided by the finding's pointer: values for the sub-schema there (witness-values.ts) are
// embedded in a likely-valid instance of the whole, then the whole schemas' own boundary values are tried.
// Every candidate is judged by `accepts` (the check layer passes ajv, the validator of record) against BOTH
// schemas before it is returned: nothing unverified comes out. Bounded by a candidate count (deterministic)
// and by a time budget on an injected clock (a safety net: the count is what normally stops it).

import { parsePointer } from "../realm/pointer.ts";
import { deref, patternSamples, samples, typical, TYPE_REPS } from "./witness-values.ts";

/** The verdict of the validator of record; undefined when the schema does not compile. */
export type Accepts = (schema: unknown, value: unknown) => boolean | undefined;

export type Direction = "backwards" | "forwards";

export type WitnessResult =
  | { found: true; value: unknown; validUnder: "old" | "new"; tried: number }
  | { found: false; reason: string; tried: number };

export type WitnessOptions = {
  accepts: Accepts;
  /** Candidates judged at most (default 3000). */
  maxCandidates?: number;
  /** Milliseconds at most, on `now` (default 50). */
  budgetMs?: number;
  now?: () => number;
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** One step from a value to a part of it, with the schema of the container (to fill in what is missing). */
type Step = { key: string | number; container: unknown };

/** Keywords whose sub-schema applies to the same instance as its parent. */
const IN_PLACE = new Set(["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"]);

/** The instance places a schema pointer speaks of, and the sub-schema there. A pointer into `$defs` speaks of
 *  every place that references the definition. A keyword that is not a schema location ends the walk. */
function placesOf(root: unknown, pointer: string, hops = 0): { path: Step[]; sub: unknown }[] {
  const tokens = parsePointer(pointer) ?? [];
  const path: Step[] = [];
  let node: unknown = root;
  let i = 0;
  const result = (): { path: Step[]; sub: unknown }[] => [{ path, sub: node }];
  while (i < tokens.length) {
    node = deref(root, node);
    if (!isObj(node)) return result();
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if ((t === "$defs" || t === "definitions") && next !== undefined && i === 0 && hops < 3) {
      const target = `#/${t}/${next}`;
      const rest = tokens.slice(i + 2).map((x) => `/${x.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
      return refSites(root, target).flatMap((site) => placesOf(root, site + rest, hops + 1));
    }
    if (t === "properties" && next !== undefined) {
      // A property this side lacks is still that key of the instance (absent: any value, or the model's).
      path.push({ key: next, container: node });
      node = isObj(node.properties) && Object.hasOwn(node.properties, next) ? node.properties[next] : undefined;
      i += 2;
    } else if (t === "required" && next !== undefined && /^\d+$/.test(next) && Array.isArray(node.required) && typeof node.required[Number(next)] === "string") {
      const key = node.required[Number(next)] as string;
      path.push({ key, container: node });
      node = isObj(node.properties) ? node.properties[key] : undefined;
      break;
    } else if (t === "patternProperties" && next !== undefined && isObj(node.patternProperties)) {
      path.push({ key: patternSamples(next)[0] ?? "x", container: node });
      node = node.patternProperties[next];
      i += 2;
    } else if (t === "additionalProperties" || t === "unevaluatedProperties") {
      const props = isObj(node.properties) ? node.properties : {};
      let key = "x";
      for (let k = 1; key in props; k++) key = `x${k}`;
      path.push({ key, container: node });
      node = node[t];
      i += 1;
    } else if ((t === "prefixItems" || t === "items") && next !== undefined && /^\d+$/.test(next) && Array.isArray(node[t])) {
      path.push({ key: Number(next), container: node });
      node = (node[t] as unknown[])[Number(next)];
      i += 2;
    } else if (t === "items" || t === "additionalItems" || t === "unevaluatedItems" || t === "contains") {
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems.length : Array.isArray(node.items) ? node.items.length : 0;
      path.push({ key: t === "contains" ? 0 : prefix, container: node });
      node = node[t];
      i += 1;
    } else if (IN_PLACE.has(t) && (next !== undefined || !Array.isArray(node[t]))) {
      const v = node[t];
      if (Array.isArray(v) && next !== undefined && /^\d+$/.test(next)) (node = v[Number(next)]), (i += 2);
      else if (isObj(v) && next !== undefined && (t === "dependentSchemas" || t === "dependencies")) (node = v[next]), (i += 2);
      else (node = v), (i += 1);
    } else break;
  }
  return result();
}

/** Pointers of every `$ref` to `target` in the schema. */
function refSites(root: unknown, target: string): string[] {
  const out: string[] = [];
  const visit = (v: unknown, at: string) => {
    if (out.length > 8) return;
    if (Array.isArray(v)) v.forEach((x, k) => visit(x, `${at}/${k}`));
    else if (isObj(v)) {
      if (v.$ref === target) out.push(at);
      for (const [k, x] of Object.entries(v)) if (k !== "$defs" && k !== "definitions") visit(x, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
  };
  visit(root, "");
  return out;
}

/** `base` with the value at `path` replaced (undefined: removed); containers that are missing are made typical. */
function embed(root: unknown, base: unknown, path: readonly Step[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [step, ...rest] = path as [Step, ...Step[]];
  const container = typeof step.key === "number" ? (Array.isArray(base) ? base : typical(root, step.container)) : isObj(base) ? base : typical(root, step.container);
  if (typeof step.key === "number") {
    const arr = Array.isArray(container) ? [...container] : [];
    const c = deref(root, step.container);
    const prefix = isObj(c) && Array.isArray(c.prefixItems) ? c.prefixItems : isObj(c) && Array.isArray(c.items) ? c.items : [];
    const item = isObj(c) ? (Array.isArray(c.items) ? c.additionalItems : c.items) : undefined;
    while (arr.length < step.key) arr.push(typical(root, prefix[arr.length] ?? item ?? {}));
    const inner = embed(root, arr[step.key], rest, value);
    if (inner === undefined) arr.splice(step.key, 1);
    else arr[step.key] = inner;
    return arr;
  }
  const obj: Obj = isObj(container) ? { ...container } : {};
  const inner = embed(root, obj[step.key], rest, value);
  if (inner === undefined) delete obj[step.key];
  else obj[step.key] = inner;
  return obj;
}

/** Candidates in the order they are tried: focused on the pointer first, then the whole schemas' own. */
function* candidates(accepting: unknown, rejecting: unknown, oldSchema: unknown, newSchema: unknown, pointer: string): Generator<unknown> {
  const places = [...placesOf(newSchema, pointer).map((p) => ({ ...p, root: newSchema })), ...placesOf(oldSchema, pointer).map((p) => ({ ...p, root: oldSchema }))];
  const bases: unknown[] = [typical(accepting, accepting), typical(rejecting, rejecting)];
  const subValues: unknown[] = [];
  for (const p of places) subValues.push(...samples(p.root, p.sub));
  subValues.push(...TYPE_REPS);
  for (const base of bases) {
    for (const p of places) {
      yield embed(p.root, base, p.path, undefined);
      for (const v of subValues) yield embed(p.root, base, p.path, v);
    }
  }
  for (const v of samples(accepting, accepting)) yield v;
  for (const v of samples(rejecting, rejecting)) yield v;
}

/** A value in the direction that breaks, verified against both schemas, or why there is none. */
export function findWitness(oldSchema: unknown, newSchema: unknown, finding: { pointer: string }, direction: Direction, opts: WitnessOptions): WitnessResult {
  const { accepts, maxCandidates = 3000, budgetMs = 50, now = () => performance.now() } = opts;
  const validUnder = direction === "backwards" ? "new" : "old";
  const [accepting, rejecting] = validUnder === "new" ? [newSchema, oldSchema] : [oldSchema, newSchema];
  const probe = { ok: accepts(accepting, null), other: accepts(rejecting, null) };
  if (probe.ok === undefined || probe.other === undefined) {
    return { found: false, reason: `the ${probe.ok === undefined ? validUnder : validUnder === "new" ? "old" : "new"} schema does not compile, so no value can be verified`, tried: 0 };
  }
  const start = now();
  const seen = new Set<string>();
  let tried = 0;
  for (const value of candidates(accepting, rejecting, oldSchema, newSchema, finding.pointer)) {
    if (tried >= maxCandidates || now() - start > budgetMs) break;
    const key = JSON.stringify(value);
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    tried++;
    if (accepts(accepting, value) === true && accepts(rejecting, value) === false) return { found: true, value, validUnder, tried };
  }
  return { found: false, reason: `no witness found within the search bound (${tried} values tried)`, tried };
}
