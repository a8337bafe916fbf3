// The difference between two versions of a contract's value: objects by key, lists of scalars as multisets
// (order is not meaning, so only elements that came or went count), other lists position by position.

import { canonical, isObject, isScalar, matchElements } from "./canonical.ts";
import { childPointer } from "../realm/pointer.ts";

export type ValueChange = { kind: "added" | "removed" | "changed"; pointer: string; before?: unknown; after?: unknown };

/** Deterministic: keys in sorted order, depth first; in a list, removed elements (old index) before added ones (new index). */
export function diffValues(oldValue: unknown, newValue: unknown): ValueChange[] {
  const out: ValueChange[] = [];
  diffAt(oldValue, newValue, "", out);
  return out;
}

function diffAt(before: unknown, after: unknown, pointer: string, out: ValueChange[]): void {
  if (isObject(before) && isObject(after)) return diffObjects(before, after, pointer, out);
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.every(isScalar) && after.every(isScalar)) return diffElements(before, after, pointer, out);
    return diffPositions(before, after, pointer, out);
  }
  if (canonical(before) !== canonical(after)) out.push({ kind: "changed", pointer, before, after });
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, pointer: string, out: ValueChange[]): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const p = childPointer(pointer, key);
    if (!Object.hasOwn(after, key)) out.push({ kind: "removed", pointer: p, before: before[key] });
    else if (!Object.hasOwn(before, key)) out.push({ kind: "added", pointer: p, after: after[key] });
    else diffAt(before[key], after[key], p, out);
  }
}

function diffElements(before: readonly unknown[], after: readonly unknown[], pointer: string, out: ValueChange[]): void {
  const { removed, added } = matchElements(before, after);
  for (const i of removed) out.push({ kind: "removed", pointer: childPointer(pointer, i), before: before[i] });
  for (const i of added) out.push({ kind: "added", pointer: childPointer(pointer, i), after: after[i] });
}

function diffPositions(before: readonly unknown[], after: readonly unknown[], pointer: string, out: ValueChange[]): void {
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const p = childPointer(pointer, i);
    if (i >= after.length) out.push({ kind: "removed", pointer: p, before: before[i] });
    else if (i >= before.length) out.push({ kind: "added", pointer: p, after: after[i] });
    else diffAt(before[i], after[i], p, out);
  }
}
