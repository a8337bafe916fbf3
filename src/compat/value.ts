// The difference between two versions of a contract's value: objects by key, lists of scalars as sets (order
// and repetition carry no meaning, so only elements that came or went count), other lists position by position.

import { canonical, isObject, isScalar } from "./canonical.ts";
import { childPointer } from "../realm/pointer.ts";

/** A change at `pointer`. For an element of a set (a list of scalars) `pointer` names the list, and `index` the
 *  element's first place in it: in the new list when added, in the old one when removed. */
export type ValueChange = { kind: "added" | "removed" | "changed"; pointer: string; before?: unknown; after?: unknown; index?: number };

/** Deterministic: keys in sorted order, depth first; in a set, removed elements (old order) before added ones
 *  (new order). A key that comes or goes holding a non-empty list of scalars is each of its elements. */
export function diffValues(oldValue: unknown, newValue: unknown): ValueChange[] {
  const out: ValueChange[] = [];
  diffAt(oldValue, newValue, "", out);
  return out;
}

function diffAt(before: unknown, after: unknown, pointer: string, out: ValueChange[]): void {
  if (isObject(before) && isObject(after)) return diffObjects(before, after, pointer, out);
  if (Array.isArray(before) && Array.isArray(after)) {
    if (isScalarList(before) && isScalarList(after)) return diffSets(before, after, pointer, out);
    return diffPositions(before, after, pointer, out);
  }
  if (canonical(before) !== canonical(after)) out.push({ kind: "changed", pointer, before, after });
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, pointer: string, out: ValueChange[]): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const p = childPointer(pointer, key);
    const gone = !Object.hasOwn(after, key);
    if (gone || !Object.hasOwn(before, key)) {
      const held = gone ? before[key] : after[key];
      if (isScalarList(held) && held.length > 0) diffSets(gone ? held : [], gone ? [] : held, p, out);
      else out.push(gone ? { kind: "removed", pointer: p, before: held } : { kind: "added", pointer: p, after: held });
    } else diffAt(before[key], after[key], p, out);
  }
}

function isScalarList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.every(isScalar);
}

/** Elements of one set missing from the other, each once, at its first index. */
function diffSets(before: readonly unknown[], after: readonly unknown[], pointer: string, out: ValueChange[]): void {
  const had = new Set(before.map(canonical));
  const has = new Set(after.map(canonical));
  const firsts = (list: readonly unknown[], other: Set<string>) => {
    const seen = new Set<string>();
    return list.flatMap((v, index) => {
      const key = canonical(v);
      if (other.has(key) || seen.has(key)) return [];
      seen.add(key);
      return [{ v, index }];
    });
  };
  for (const { v, index } of firsts(before, has)) out.push({ kind: "removed", pointer, before: v, index });
  for (const { v, index } of firsts(after, had)) out.push({ kind: "added", pointer, after: v, index });
}

function diffPositions(before: readonly unknown[], after: readonly unknown[], pointer: string, out: ValueChange[]): void {
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const p = childPointer(pointer, i);
    if (i >= after.length) out.push({ kind: "removed", pointer: p, before: before[i] });
    else if (i >= before.length) out.push({ kind: "added", pointer: p, after: after[i] });
    else diffAt(before[i], after[i], p, out);
  }
}
