import { describe, expect, test } from "bun:test";
import { diffValues } from "../../src/compat/index.ts";

describe("diffValues", () => {
  test("the RFC's example: one path added to read is one change at /read/2", () => {
    const before = { read: ["a", "b"], write: ["c"], delete: [] };
    const after = { read: ["a", "b", "training-metrics/experiments/*"], write: ["c"], delete: [] };
    expect(diffValues(before, after)).toEqual([{ kind: "added", pointer: "/read/2", after: "training-metrics/experiments/*" }]);
  });

  test("lists of scalars are compared as elements: reordering is no change", () => {
    expect(diffValues({ read: ["a", "b", "c"] }, { read: ["c", "a", "b"] })).toEqual([]);
  });

  test("a removed element is named by its old index, an added one by its new index, removals first", () => {
    expect(diffValues(["a", "b", "c"], ["a", "c", "d"])).toEqual([
      { kind: "removed", pointer: "/1", before: "b" },
      { kind: "added", pointer: "/2", after: "d" },
    ]);
  });

  test("duplicates count: dropping one of two equal elements is a removal", () => {
    expect(diffValues(["a", "a"], ["a"])).toEqual([{ kind: "removed", pointer: "/1", before: "a" }]);
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
