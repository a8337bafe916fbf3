// What sync may publish: a value valid under the schema published with it, and a schema that compiles.
import { describe, expect, test } from "bun:test";
import { describeRefusals, publishRefusal, SHOWN, type Origin } from "../../src/sync/publishable.ts";

const ORIGIN: Origin = { value: { file: "config/s3.json", pointer: "/permissions" }, schema: { file: "config/schema.json", pointer: "" } };
const update = (schema: Record<string, unknown>, value: unknown) => ({ contract: "s3-permissions", to: "1.5.0", schema, value });

describe("publishRefusal", () => {
  test("a valid value under a schema that compiles may be published", () => {
    expect(publishRefusal(update({ type: "array", maxItems: 3 }, [1, 2]), ORIGIN)).toBeUndefined();
  });

  test("each error is named by the value's file and its pointer in that file", () => {
    const r = publishRefusal(update({ type: "object", properties: { read: { type: "array", maxItems: 1 } }, additionalProperties: false }, { read: ["a", "b"], x: 1 }), ORIGIN);
    expect(r?.reason).toBe("its value is invalid under config/schema.json");
    expect(r?.problems).toEqual([
      { file: "config/s3.json", pointer: "/permissions", message: "must NOT have additional properties ('x')" },
      { file: "config/s3.json", pointer: "/permissions/read", message: "must NOT have more than 1 items" },
    ]);
  });

  test("a value that is the whole document has pointers from the root", () => {
    const whole: Origin = { ...ORIGIN, value: { file: "the output of scripts/x.sh", pointer: "" } };
    expect(publishRefusal(update({ type: "array", items: { type: "integer" } }, ["a"]), whole)?.problems).toEqual([{ file: "the output of scripts/x.sh", pointer: "/0", message: "must be integer" }]);
    expect(publishRefusal(update({ type: "object" }, []), whole)?.problems.map((p) => p.pointer)).toEqual(["/"]);
  });

  test("a schema that does not compile is refused at the schema's file", () => {
    const contractSchema: Origin = { ...ORIGIN, schema: { file: "domains/s3-access/contracts/s3-permissions.yaml", pointer: "/schema" } };
    const r = publishRefusal(update({ type: "nope" }, {}), contractSchema);
    expect(r?.reason).toBe("domains/s3-access/contracts/s3-permissions.yaml does not compile");
    expect(r?.problems).toHaveLength(1);
    expect(r?.problems[0]).toMatchObject({ file: "domains/s3-access/contracts/s3-permissions.yaml", pointer: "/schema" });
    expect(r?.problems[0]!.message).toStartWith("not a valid JSON Schema: ");
  });
});

describe("describeRefusals", () => {
  const problem = (n: number) => ({ file: "config/s3.json", pointer: `/read/${n}`, message: "must be integer" });

  test("one line for the refusal, then one per problem", () => {
    expect(describeRefusals([{ contract: "s3-permissions", version: "1.5.0", reason: "its value is invalid under config/schema.json", problems: [problem(0)] }])).toBe(
      "sync refuses to publish s3-permissions 1.5.0: its value is invalid under config/schema.json\n  config/s3.json: /read/0: must be integer",
    );
  });

  test(`the first ${SHOWN} problems of all refusals, then how many more`, () => {
    const text = describeRefusals([
      { contract: "a", version: "2.0.0", reason: "x does not compile", problems: [problem(0)] },
      { contract: "b", version: "1.1.0", reason: "its value is invalid under y", problems: Array.from({ length: 7 }, (_, i) => problem(i + 1)) },
    ]);
    const lines = text.split("\n");
    expect(lines[0]).toBe("sync refuses to publish a 2.0.0: x does not compile; b 1.1.0: its value is invalid under y");
    expect(lines.slice(1, -1)).toEqual([0, 1, 2, 3, 4].map((n) => `  config/s3.json: /read/${n}: must be integer`));
    expect(lines.at(-1)).toBe("  and 3 more");
  });
});
