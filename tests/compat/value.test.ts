import { describe, expect, test } from "bun:test";
import { diffValues, type ValueChange } from "../../src/compat/index.ts";
import { rng } from "../seeded.ts";

describe("diffValues", () => {
  test("the RFC's example: one path added to read is one change, under /read, at its index in the new list", () => {
    const before = { read: ["a", "b"], write: ["c"], delete: [] };
    const after = { read: ["a", "b", "training-metrics/experiments/*"], write: ["c"], delete: [] };
    expect(diffValues(before, after)).toEqual([{ kind: "added", pointer: "/read", after: "training-metrics/experiments/*", index: 2 }]);
  });

  test("lists of scalars are sets: reordering is no change", () => {
    expect(diffValues({ read: ["a", "b", "c"] }, { read: ["c", "a", "b"] })).toEqual([]);
  });

  test("a removed element is named by its old index, an added one by its new index, removals first", () => {
    expect(diffValues(["a", "b", "c"], ["a", "c", "d"])).toEqual([
      { kind: "removed", pointer: "", before: "b", index: 1 },
      { kind: "added", pointer: "", after: "d", index: 2 },
    ]);
  });

  test("sets: repeating an element is no change, and an element that came twice is one change", () => {
    expect(diffValues(["a", "a"], ["a"])).toEqual([]);
    expect(diffValues(["a"], ["a", "b", "b"])).toEqual([{ kind: "added", pointer: "", after: "b", index: 1 }]);
  });

  test("a key that comes or goes holding a list of scalars is each of its elements, under the key", () => {
    expect(diffValues({ gone: ["x", "y"] }, { read: ["a", "b"], delete: [] })).toEqual([
      { kind: "added", pointer: "/delete", after: [] },
      { kind: "removed", pointer: "/gone", before: "x", index: 0 },
      { kind: "removed", pointer: "/gone", before: "y", index: 1 },
      { kind: "added", pointer: "/read", after: "a", index: 0 },
      { kind: "added", pointer: "/read", after: "b", index: 1 },
    ]);
  });

  test("objects by key, in sorted order, recursing into both", () => {
    expect(diffValues({ z: 1, a: { x: 1 }, gone: true }, { z: 2, a: { x: 1, y: 2 }, new: "n" })).toEqual([
      { kind: "added", pointer: "/a/y", after: 2 },
      { kind: "removed", pointer: "/gone", before: true },
      { kind: "added", pointer: "/new", after: "n" },
      { kind: "changed", pointer: "/z", before: 1, after: 2 },
    ]);
  });

  test("lists holding objects are compared position by position", () => {
    expect(diffValues([{ bucket: "a", ttl: 1 }], [{ bucket: "a", ttl: 2 }, { bucket: "b", ttl: 1 }])).toEqual([
      { kind: "changed", pointer: "/0/ttl", before: 1, after: 2 },
      { kind: "added", pointer: "/1", after: { bucket: "b", ttl: 1 } },
    ]);
  });

  test("a changed root is at the empty pointer; a type change is one change", () => {
    expect(diffValues(1, 2)).toEqual([{ kind: "changed", pointer: "", before: 1, after: 2 }]);
    expect(diffValues({ read: ["a"] }, { read: "a" })).toEqual([{ kind: "changed", pointer: "/read", before: ["a"], after: "a" }]);
    expect(diffValues(null, null)).toEqual([]);
  });

  test("keys are escaped in pointers", () => {
    expect(diffValues({}, { "s3/paths~": 1 })).toEqual([{ kind: "added", pointer: "/s3~1paths~0", after: 1 }]);
  });
});


/** Scalars that collide across types when compared carelessly: 1 and "1", true and "true", null and "null". */
const POOL: unknown[] = ["a", "b", "c", "jobs/*/masks/*", "1", 1, 2, 1.5, true, false, "true", null, "null", "", 0, "0"];

function scalars(next: () => number): unknown[] {
  const n = Math.floor(next() * 7);
  return Array.from({ length: n }, () => POOL[Math.floor(next() * POOL.length)]);
}

/** The judge: the same sets computed the plainest way, by JSON text, with no code shared with diffValues. */
function naive(before: unknown[], after: unknown[]): { removed: string[]; added: string[] } {
  const b = before.map((v) => JSON.stringify(v));
  const a = after.map((v) => JSON.stringify(v));
  const uniq = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) === i);
  return { removed: uniq(b.filter((x) => !a.includes(x))), added: uniq(a.filter((x) => !b.includes(x))) };
}

describe("diffValues on lists of scalars, against a naive set difference", () => {
  test("2,000 generated pairs of lists agree with the judge, element by element and index by index", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const next = rng(seed);
      const before = scalars(next);
      const after = scalars(next);
      const changes = diffValues({ paths: before }, { paths: after });
      const judge = naive(before, after);
      const got = {
        removed: changes.filter((c) => c.kind === "removed").map((c) => JSON.stringify(c.before)),
        added: changes.filter((c) => c.kind === "added").map((c) => JSON.stringify(c.after)),
      };
      // A list that is empty on both sides, or the same set, is no change at all.
      if (judge.removed.length + judge.added.length === 0) {
        expect({ seed, changes }).toEqual({ seed, changes: [] });
        continue;
      }
      expect({ seed, ...got }).toEqual({ seed, ...judge });
      for (const c of changes) {
        expect({ seed, pointer: c.pointer, kind: c.kind }).toEqual({ seed, pointer: "/paths", kind: c.kind });
        // The index names the element's first place in the list it is in.
        const list = c.kind === "removed" ? before : after;
        const shown = JSON.stringify(c.kind === "removed" ? c.before : c.after);
        expect({ seed, index: c.index }).toEqual({ seed, index: list.findIndex((v) => JSON.stringify(v) === shown) });
      }
    }
  });

  test("a list that appears or disappears is judged as the set it holds against the empty set", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const list = scalars(rng(seed));
      const appeared: ValueChange[] = diffValues({}, { paths: list });
      const judge = naive([], list);
      if (list.length === 0) expect(appeared).toEqual([{ kind: "added", pointer: "/paths", after: [] }]);
      else expect({ seed, added: appeared.map((c) => JSON.stringify(c.after)) }).toEqual({ seed, added: judge.added });
      const gone = diffValues({ paths: list }, {});
      if (list.length === 0) expect(gone).toEqual([{ kind: "removed", pointer: "/paths", before: [] }]);
      else expect({ seed, removed: gone.map((c) => JSON.stringify(c.before)) }).toEqual({ seed, removed: naive(list, []).removed });
    }
  });
});
