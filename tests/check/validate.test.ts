// Validation in a batch shared with worker threads gives exactly what one-at-a-time validation gives.
import { describe, expect, test } from "bun:test";
import { validateAll, validateValue, type ValidationItem } from "../../src/check/validate.ts";

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
