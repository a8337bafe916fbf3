// How changes are worded for status, sync's committed evolution and check, and the range an importer is told to set.
import { describe, expect, test } from "bun:test";
import { diffValues } from "../../src/compat/index.ts";
import { describeChange, widenedRange } from "../../src/realm/view.ts";

const texts = (before: unknown, after: unknown) => diffValues(before, after).map(describeChange);

describe("describeChange", () => {
  test("a path added to a list: under the list's pointer, as the RFC shows it", () => {
    expect(texts({ read: ["jobs/*/masks/*"] }, { read: ["jobs/*/masks/*", "training-metrics/experiments/*"] })).toEqual(["/read: + training-metrics/experiments/*"]);
  });

  test("a list that appears is its elements; an empty one is []", () => {
    expect(texts({}, { read: ["jobs/*/masks/*", "training-runs/*"], delete: [] })).toEqual(["/delete: + []", "/read: + jobs/*/masks/*", "/read: + training-runs/*"]);
    expect(texts({ read: ["a"], delete: [] }, {})).toEqual(["/delete: - []", "/read: - a"]);
  });

  test("other changes name their pointer: a changed scalar, an added or removed key, an object in a list", () => {
    expect(texts({ write: 42 }, { write: 43 })).toEqual(["/write: 42 → 43"]);
    expect(texts({ retention: { days: 7 } }, { retention: { days: 7, tier: "cold" } })).toEqual(["/retention/tier: + cold"]);
    expect(texts({ gone: true }, {})).toEqual(["/gone: - true"]);
    expect(texts({ buckets: [{ name: "a" }] }, { buckets: [{ name: "a" }, { name: "b" }] })).toEqual(['/buckets/1: + {"name":"b"}']);
  });

  test("strings are shown as they are unless they would read as another value: then quoted, so 1 and \"1\" differ", () => {
    expect(texts({ n: "1" }, { n: 1 })).toEqual(['/n: "1" → 1']);
    expect(texts({ v: ["1"] }, { v: [1] })).toEqual(['/v: - "1"', "/v: + 1"]);
    expect(texts({ v: [null] }, { v: ["null"] })).toEqual(["/v: - null", '/v: + "null"']);
    expect(texts({ v: [] }, { v: ["", " x", "[a]", "-1e3"] })).toEqual(['/v: + ""', '/v: + " x"', '/v: + "[a]"', '/v: + "-1e3"']);
  });

  test("the root is /", () => {
    expect(texts(["a"], ["a", "b"])).toEqual(["/: + b"]);
    expect(texts(1, 2)).toEqual(["/: 1 → 2"]);
  });
});

describe("widenedRange", () => {
  test("keeps what the range took and adds the new version's major", () => {
    expect(widenedRange(">=1.0.0, <2.0.0", "2.0.0")).toBe(">=1.0.0 <3.0.0");
    expect(widenedRange("^1.2.0", "3.1.0")).toBe(">=1.2.0 <4.0.0");
  });
});
