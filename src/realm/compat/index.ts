// Value diff between two versions of a contract's value (stand-in until the compatibility engine lands here).
export type ValueChange = { kind: "added" | "removed" | "changed"; pointer: string; before?: unknown; after?: unknown };

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Objects by key, arrays as sets of elements (an added element is reported at its index in the new array). */
export function diffValues(before: unknown, after: unknown, pointer = ""): ValueChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = `${pointer}/${esc(k)}`;
      if (!(k in after)) return [{ kind: "removed" as const, pointer: p, before: before[k] }];
      if (!(k in before)) return [{ kind: "added" as const, pointer: p, after: after[k] }];
      return diffValues(before[k], after[k], p);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: ValueChange[] = [];
    before.forEach((v, i) => {
      if (!after.some((w) => same(v, w))) out.push({ kind: "removed", pointer: `${pointer}/${i}`, before: v });
    });
    after.forEach((v, i) => {
      if (!before.some((w) => same(v, w))) out.push({ kind: "added", pointer: `${pointer}/${i}`, after: v });
    });
    return out;
  }
  return same(before, after) ? [] : [{ kind: "changed", pointer: pointer || "/", before, after }];
}
