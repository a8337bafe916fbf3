// Validation in a batch shared with worker threads gives exactly what one-at-a-time validation gives.
import { describe, expect, test } from "bun:test";
import { ajvOutcome, validateAll, validateValue, type ValidationItem } from "../../src/check/validate.ts";

describe("validateAll", () => {
  test("a batch large enough for worker threads agrees item by item, in order", async () => {
    const items: ValidationItem[] = Array.from({ length: 150 }, (_, i) => ({
      schema: { type: "object", required: ["n"], properties: { n: { type: "integer", maximum: 100 + i } }, additionalProperties: false },
      value: i % 7 === 0 ? { n: "x", extra: 1 } : { n: i },
    }));
    items.push({ schema: { type: "nonsense" }, value: 1 });
    const batch = await validateAll(items);
    expect(batch).toEqual(items.map((i) => validateValue(i.schema, i.value)));
    expect(batch.filter((o) => o.errors.length > 0)).toHaveLength(22);
    expect(batch[150]!.schemaError).toBeDefined();
  });
});

test("a worker thread starts from source and answers", async () => {
  const { inWorker } = await import("../../src/check/validate.ts");
  expect(await inWorker([{ schema: { type: "string" }, value: 1 }])).toEqual([{ errors: [{ instancePath: "", message: "must be string" }] }]);
});

describe("ajv matches patterns with RE2", () => {
  test("every pattern of a schema is its own: two patterns compiled together each keep their meaning", () => {
    const schema = { type: "object", properties: { a: { type: "string", pattern: "^a+$" }, b: { type: "string", pattern: "^b+$" } }, patternProperties: { "^x-.$": { const: 1 } } };
    expect(ajvOutcome(schema, { a: "aa", b: "bb", "x-1": 1 })).toEqual({ errors: [] });
    expect(ajvOutcome(schema, { a: "aa", b: "aa" }).errors.map((e) => e.instancePath)).toEqual(["/b"]);
    // JavaScript's `.` (the u flag's meaning): a line terminator is not matched, so x-\u2028 is not a pattern key.
    expect(ajvOutcome(schema, { "x-\u2028": 2, "x-é": 2 }).errors.map((e) => e.instancePath)).toEqual(["/x-é"]);
  });

  test("a pattern RE2 cannot run makes the schema fail to compile; RegExp is never asked", () => {
    const outcome = ajvOutcome({ type: "string", pattern: "^(a)\\1$" }, "aa");
    expect(outcome.schemaError).toContain("a backreference (\\1) is not supported");
    expect(ajvOutcome({ patternProperties: { "a(?=b)": {} } }, {}).schemaError).toContain("a lookahead");
  });

  test("a pattern that backtracks catastrophically is judged, each item invalid", () => {
    const value = Array.from({ length: 100 }, () => `${"a".repeat(30)}!`);
    const outcome = validateValue({ type: "array", items: { type: "string", pattern: "^(a+)+$" } }, value);
    expect(outcome.errors).toHaveLength(100);
    expect(outcome.errors[99]).toEqual({ instancePath: "/99", message: 'must match pattern "^(a+)+$"' });
  });

  test("a worker thread's ajv matches with RE2 too", async () => {
    const { inWorker } = await import("../../src/check/validate.ts");
    const [refused, judged] = await inWorker([
      { schema: { pattern: "(a)\\1" }, value: "aa" },
      { schema: { items: { pattern: "^(a+)+$" } }, value: [`${"a".repeat(30)}!`] },
    ]);
    expect(refused!.schemaError).toContain("backreference");
    expect(judged!.errors.map((e) => e.instancePath)).toEqual(["/0"]);
  });
});
