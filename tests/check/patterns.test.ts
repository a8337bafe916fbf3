import { describe, expect, test } from "bun:test";
import { unsupportedPatterns } from "../../src/check/patterns.ts";

const places = (schema: unknown) => unsupportedPatterns(schema).map((p) => p.path.join("/"));

describe("unsupportedPatterns", () => {
  test("finds patterns RE2 cannot run wherever a validator compiles one, with their place", () => {
    const schema = {
      properties: { code: { type: "string", pattern: "^(a)\\1$" }, ok: { pattern: "^a+$" } },
      patternProperties: { "^x-(?=y)": {} },
      items: [{ pattern: "(?<=a)b" }],
      $defs: { d: { anyOf: [{ not: { pattern: "\\k<n>(?<n>a)" } }] } },
    };
    expect(places(schema)).toEqual(["properties/code/pattern", "patternProperties/^x-(?=y)", "items/0/pattern", "$defs/d/anyOf/0/not/pattern"]);
  });

  test("a property named pattern, and data that looks like a pattern, are not patterns", () => {
    expect(places({ properties: { pattern: { type: "string" } }, enum: [{ pattern: "(a)\\1" }], default: { pattern: "(a)\\1" } })).toEqual([]);
  });

  test("an invalid pattern is not among them (ajv refuses the schema), nor is a usable one", () => {
    expect(places({ pattern: "(" })).toEqual([]);
    expect(places({ pattern: "^[a-z]{1,3}$" })).toEqual([]);
  });
});
