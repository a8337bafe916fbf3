// Whether two schemas can never accept the same value, by the cheap evidence `oneOf` members usually
// carry: different types, constants or enums, or a required discriminator property that differs. Only
// "provably disjoint" matters: a false negative just makes a oneOf change read as breaking.

import { isObject, sameJson, type JsonObject } from "./canonical.ts";
import type { Located } from "./context.ts";
import { deref } from "./refs.ts";
import { childPointer } from "../realm/pointer.ts";

const typesOf = (s: JsonObject): string[] | undefined =>
  typeof s.type === "string" ? [s.type] : Array.isArray(s.type) && s.type.every((t) => typeof t === "string") ? (s.type as string[]) : undefined;

function typesOverlap(a: readonly string[], b: readonly string[]): boolean {
  const overlap = (t: string, u: string) => t === u || (t === "integer" && u === "number") || (t === "number" && u === "integer");
  return a.some((t) => b.some((u) => overlap(t, u)));
}

/** The values a schema is limited to by const or enum, if it is. */
function allowedValues(s: JsonObject): unknown[] | undefined {
  if (Object.hasOwn(s, "const")) return [s.const];
  return Array.isArray(s.enum) ? s.enum : undefined;
}

function requires(s: JsonObject, key: string): boolean {
  return Array.isArray(s.required) && s.required.includes(key);
}

export function provablyDisjoint(root: unknown, a: Located, b: Located, depth = 0): boolean {
  const dx = deref(root, a);
  const dy = deref(root, b);
  const [x, y] = [dx.schema, dy.schema];
  if (x === false || y === false) return true;
  if (!isObject(x) || !isObject(y)) return false;
  const [tx, ty] = [typesOf(x), typesOf(y)];
  if (tx && ty && !typesOverlap(tx, ty)) return true;
  const [vx, vy] = [allowedValues(x), allowedValues(y)];
  if (vx && vy && !vx.some((v) => vy.some((w) => sameJson(v, w)))) return true;
  if (depth >= 2 || !isObject(x.properties) || !isObject(y.properties)) return false;
  const [px, py] = [x.properties, y.properties];
  const prop = (l: Located, p: JsonObject, k: string): Located => ({ schema: p[k], at: childPointer(childPointer(l.at, "properties"), k) });
  return Object.keys(px).some((k) => Object.hasOwn(py, k) && requires(x, k) && requires(y, k) && provablyDisjoint(root, prop(dx, px, k), prop(dy, py, k), depth + 1));
}

export function pairwiseDisjoint(root: unknown, members: readonly Located[]): boolean {
  return members.every((a, i) => members.slice(i + 1).every((b) => provablyDisjoint(root, a, b)));
}
