import { describe, expect, test } from "bun:test";
import { compareSchemas, compareVersions, isBreaking, requiredBump, type Requirement, type SchemaFinding } from "../../src/compat/index.ts";

const brief = (findings: SchemaFinding[]) => findings.map(({ rule, pointer, backwards, forwards }) => ({ rule, pointer, backwards, forwards }));
const C = "compatible" as const;
const B = "breaking" as const;

const BACKWARDS: Requirement = { backwards: true, forwards: false };
const FORWARDS: Requirement = { backwards: false, forwards: true };
const FULL: Requirement = { backwards: true, forwards: true };
const NEITHER: Requirement = { backwards: false, forwards: false };

const paths = { type: "array", items: { type: "string" } };
// The RFC's s3-permissions contract, version 1.4.0.
const rfcSchema = {
  type: "object",
  required: ["read"],
  properties: { read: paths, write: { ...paths, default: [] }, delete: { ...paths, default: [] } },
};
const rfcValue = {
  read: ["jobs/*/masks/*", "jobs/*/*/config.json", "training-runs/*", "training-metrics/*"],
  write: ["jobs/*/*/manifest.json", "training-metrics/*"],
  delete: [],
};

describe("the RFC's example", () => {
  const v150 = {
    schema: { ...rfcSchema, properties: { ...rfcSchema.properties, experiments: { ...paths, default: [] } } },
    value: { ...rfcValue, read: [...rfcValue.read, "training-metrics/experiments/*"] },
  };

  test("an optional experiments array with default [] added to an open model is compatible for backwards, a minor bump", () => {
    const result = compareVersions({ schema: rfcSchema, value: rfcValue }, v150, BACKWARDS);
    expect(brief(result.findings)).toEqual([{ rule: "property-added-open-model", pointer: "/properties/experiments", backwards: C, forwards: B }]);
    expect(result.findings[0]!.message).toBe("property 'experiments' added (optional, default=[]), open content model");
    expect(result.values).toEqual([{ kind: "added", pointer: "/read", after: "training-metrics/experiments/*", index: 4 }]);
    expect(result.bump).toBe("minor");
    expect(result.breaking).toBe(false);
  });

  test("the same change breaks a contract that also requires forwards (Registry BACKWARD rejects it too)", () => {
    const result = compareVersions({ schema: rfcSchema, value: rfcValue }, v150, FULL);
    expect(result.bump).toBe("major");
    expect(result.breaking).toBe(true);
  });
});

describe("required bump", () => {
  const raised = compareSchemas({ type: "string", maxLength: 10 }, { type: "string", maxLength: 20 });
  const lowered = compareSchemas({ type: "string", maxLength: 20 }, { type: "string", maxLength: 10 });

  test("raising maxLength widens: major for backwards, minor for forwards, major for both", () => {
    expect(brief(raised)).toEqual([{ rule: "max-length-increased", pointer: "/maxLength", backwards: B, forwards: C }]);
    expect(requiredBump(raised, [], BACKWARDS)).toBe("major");
    expect(requiredBump(raised, [], FORWARDS)).toBe("minor");
    expect(requiredBump(raised, [], FULL)).toBe("major");
    expect(requiredBump(raised, [], NEITHER)).toBe("minor");
  });

  test("lowering maxLength narrows: minor for backwards, major for forwards, major for both", () => {
    expect(requiredBump(lowered, [], BACKWARDS)).toBe("minor");
    expect(requiredBump(lowered, [], FORWARDS)).toBe("major");
    expect(requiredBump(lowered, [], FULL)).toBe("major");
  });

  test("removing an enum value is compatible for backwards, breaking for forwards", () => {
    const findings = compareSchemas({ enum: ["read", "write", "delete"] }, { enum: ["read", "write"] });
    expect(brief(findings)).toEqual([{ rule: "enum-value-removed", pointer: "/enum/2", backwards: C, forwards: B }]);
    expect(isBreaking(findings[0]!, BACKWARDS)).toBe(false);
    expect(isBreaking(findings[0]!, FORWARDS)).toBe(true);
    expect(requiredBump(findings, [], BACKWARDS)).toBe("minor");
    expect(requiredBump(findings, [], FORWARDS)).toBe("major");
    expect(requiredBump(findings, [], FULL)).toBe("major");
  });

  test("adding an enum value is breaking for backwards", () => {
    const findings = compareSchemas({ enum: ["read"] }, { enum: ["read", "write"] });
    expect(requiredBump(findings, [], BACKWARDS)).toBe("major");
    expect(requiredBump(findings, [], FORWARDS)).toBe("minor");
  });

  test("annotations alone are a patch in every direction; a default change is a minor", () => {
    const titled = compareSchemas({ type: "string" }, { type: "string", title: "Path", description: "an S3 key" });
    expect(titled.map((f) => f.rule)).toEqual(["annotation-changed", "annotation-changed"]);
    for (const req of [BACKWARDS, FORWARDS, FULL]) expect(requiredBump(titled, [], req)).toBe("patch");
    expect(requiredBump(compareSchemas({ default: 1 }, { default: 2 }), [], FULL)).toBe("minor");
  });

  test("value elements: added is a minor, removed or changed a patch, nothing is none", () => {
    expect(requiredBump([], [{ kind: "added", pointer: "/read/2", after: "x" }], FULL)).toBe("minor");
    expect(requiredBump([], [{ kind: "removed", pointer: "/read/0", before: "x" }], FULL)).toBe("patch");
    expect(requiredBump([], [{ kind: "changed", pointer: "/ttl", before: 1, after: 2 }], FULL)).toBe("patch");
    expect(requiredBump([], [], FULL)).toBe("none");
    expect(compareVersions({ schema: rfcSchema, value: rfcValue }, { schema: rfcSchema, value: rfcValue }, FULL)).toEqual({ findings: [], values: [], bump: "none", breaking: false });
  });
});

describe("$ref", () => {
  const tree = (maxLength: number) => ({
    $defs: { node: { type: "object", properties: { name: { type: "string", maxLength }, children: { type: "array", items: { $ref: "#/$defs/node" } } } } },
    $ref: "#/$defs/node",
  });

  test("a recursive schema is walked once and the change found where it is defined", () => {
    expect(brief(compareSchemas(tree(5), tree(10)))).toEqual([{ rule: "max-length-increased", pointer: "/$defs/node/properties/name/maxLength", backwards: B, forwards: C }]);
    expect(compareSchemas(tree(5), tree(5))).toEqual([]);
  });

  test("mutually recursive definitions, and a recursive schema against one without it, end", () => {
    const a = { $defs: { a: { properties: { b: { $ref: "#/$defs/b" } } }, b: { properties: { a: { $ref: "#/$defs/a" } } } }, $ref: "#/$defs/a" };
    const b = structuredClone(a) as { $defs: { b: { properties: Record<string, unknown> } } };
    b.$defs.b.properties.c = { type: "string" };
    expect(brief(compareSchemas(a, b))).toEqual([{ rule: "property-added-open-model", pointer: "/$defs/b/properties/c", backwards: C, forwards: B }]);
    expect(compareSchemas({ type: "object" }, { type: "object", properties: { self: { $ref: "#" } } }).map((f) => f.rule)).toEqual(["property-added-open-model"]);
    expect(compareSchemas({ items: { type: "array" } }, { type: "array", items: { $ref: "#" } }).map((f) => f.rule)).toEqual(["type-narrowed"]);
    const loop = { $defs: { x: { $ref: "#/$defs/y" }, y: { $ref: "#/$defs/x" } }, $ref: "#/$defs/x" };
    expect(compareSchemas(loop, loop)).toEqual([]);
  });

  test("moving a subschema into $defs behind a reference is no change", () => {
    const inline = { type: "object", properties: { read: paths, write: paths } };
    const shared = { type: "object", $defs: { paths }, properties: { read: { $ref: "#/$defs/paths" }, write: { $ref: "#/$defs/paths" } } };
    expect(compareSchemas(inline, shared)).toEqual([]);
  });

  test("a definition reached through an unchanged combinator member is still compared", () => {
    const schema = (minLength: number) => ({ $defs: { id: { type: "string", minLength } }, anyOf: [{ $ref: "#/$defs/id" }, { type: "null" }] });
    expect(brief(compareSchemas(schema(1), schema(3)))).toEqual([{ rule: "min-length-increased", pointer: "/$defs/id/minLength", backwards: C, forwards: B }]);
  });

  test("reference fragments are JSON pointers: ~1, ~0 and percent-escapes are decoded", () => {
    const schema = (max: number) => ({ $defs: { "s3/key~v1": { maxLength: max }, "a b": { type: "string" } }, properties: { k: { $ref: "#/$defs/s3~1key~0v1" }, s: { $ref: "#/$defs/a%20b" } } });
    expect(brief(compareSchemas(schema(5), schema(3)))).toEqual([{ rule: "max-length-decreased", pointer: "/$defs/s3~1key~0v1/maxLength", backwards: C, forwards: B }]);
  });

  test("a remote or dangling reference is compared as a string", () => {
    expect(compareSchemas({ $ref: "https://example.com/a.json" }, { $ref: "https://example.com/a.json" })).toEqual([]);
    expect(brief(compareSchemas({ $ref: "https://example.com/a.json" }, { $ref: "https://example.com/b.json" }))).toEqual([{ rule: "unknown-change", pointer: "/$ref", backwards: B, forwards: B }]);
    expect(brief(compareSchemas({ $ref: "#/$defs/gone" }, { $ref: "#/$defs/other" }))).toEqual([{ rule: "unknown-change", pointer: "/$ref", backwards: B, forwards: B }]);
  });
});

describe("unknown and odd input never throws", () => {
  test("an unknown keyword that changed is unknown-change, breaking both ways; unchanged, nothing", () => {
    expect(brief(compareSchemas({ type: "array", "x-rule": { const: 1 } }, { type: "array", "x-rule": { const: 2 } }))).toEqual([{ rule: "unknown-change", pointer: "/x-rule", backwards: B, forwards: B }]);
    expect(compareSchemas({ "x-team": "ops", if: { type: "string" } }, { "x-team": "ops", if: { type: "string" } })).toEqual([]);
    expect(brief(compareSchemas({}, { "x-new": true }))).toEqual([{ rule: "unknown-change", pointer: "/x-new", backwards: B, forwards: B }]);
  });

  test("a known keyword holding the wrong JSON type is unknown-change", () => {
    expect(brief(compareSchemas({ maxLength: "5" }, { maxLength: 5 }))).toEqual([{ rule: "unknown-change", pointer: "/maxLength", backwards: B, forwards: B }]);
    expect(brief(compareSchemas({ properties: [] }, { properties: { a: {} } }))).toEqual([{ rule: "unknown-change", pointer: "/properties", backwards: B, forwards: B }]);
    expect(brief(compareSchemas({ required: "a" }, { required: ["a"] }))).toEqual([{ rule: "unknown-change", pointer: "/required", backwards: B, forwards: B }]);
  });

  test("every pair of odd values compares without throwing", () => {
    const odd: unknown[] = [undefined, null, true, false, 0, "x", [], [1], {}, { type: 7 }, { enum: "a" }, { items: 3 }, { prefixItems: {} }, { properties: { a: 1 } }, { allOf: {} }, { anyOf: [null] }, { not: 3 }, { $ref: 5 }, { $ref: "#/nowhere" }, { dependencies: { a: 3 } }, { dependentRequired: { a: [1] } }, { patternProperties: { "(": {} } }, { additionalProperties: "no" }, { multipleOf: 0 }, { exclusiveMaximum: true }];
    for (const a of odd) for (const b of odd) expect(() => compareSchemas(a, b)).not.toThrow();
  });
});

describe("schema shapes", () => {
  test("true, {} and a missing schema accept everything; false accepts nothing", () => {
    expect(compareSchemas(true, {})).toEqual([]);
    expect(compareSchemas(undefined, true)).toEqual([]);
    expect(brief(compareSchemas(true, false))).toEqual([{ rule: "false-schema-added", pointer: "", backwards: C, forwards: B }]);
    expect(brief(compareSchemas(false, { type: "string" }))).toEqual([{ rule: "false-schema-removed", pointer: "", backwards: B, forwards: C }]);
  });

  test("type as a string or an array: the same set in another spelling is no change", () => {
    expect(compareSchemas({ type: ["null", "string"] }, { type: ["string", "null"] })).toEqual([]);
    expect(compareSchemas({ type: ["integer", "number"] }, { type: "number" })).toEqual([]);
    expect(brief(compareSchemas({ type: "string" }, { type: ["string", "null"] }))).toEqual([{ rule: "type-widened", pointer: "/type", backwards: B, forwards: C }]);
    expect(brief(compareSchemas({ type: ["string", "null"] }, { type: ["integer", "null"] }))).toEqual([{ rule: "type-changed", pointer: "/type", backwards: B, forwards: B }]);
  });

  test("property names are escaped in pointers (RFC 6901)", () => {
    expect(brief(compareSchemas({ properties: { "a/b~c": { type: "string" } } }, { properties: { "a/b~c": { type: "integer" } } }))).toEqual([{ rule: "type-changed", pointer: "/properties/a~1b~0c/type", backwards: B, forwards: B }]);
  });

  test("a property added to a closed model as required is breaking both ways (two findings)", () => {
    const old = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    const neu = { ...old, properties: { ...old.properties, b: { type: "string" } }, required: ["b"] };
    expect(brief(compareSchemas(old, neu))).toEqual([
      { rule: "property-added-closed-model", pointer: "/properties/b", backwards: B, forwards: C },
      { rule: "required-added", pointer: "/required/0", backwards: C, forwards: B },
    ]);
    expect(requiredBump(compareSchemas(old, neu), [], BACKWARDS)).toBe("major");
    expect(requiredBump(compareSchemas(old, neu), [], FORWARDS)).toBe("major");
  });

  test("a property matching patternProperties is judged like an open model", () => {
    const old = { type: "object", patternProperties: { "^x-": { type: "string" } }, additionalProperties: false };
    const neu = { ...old, properties: { "x-team": { type: "string", minLength: 1 } } };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "property-added-open-model", pointer: "/properties/x-team", backwards: C, forwards: B }]);
  });

  test("a patternProperties pattern that cannot be evaluated fails closed, unless another pattern matches the key", () => {
    const old = { type: "object", patternProperties: { "^(x)\\1": { type: "string" }, "^y": { type: "string" } }, additionalProperties: false };
    const added = (key: string) => compareSchemas(old, { ...old, properties: { [key]: { type: "string" } } });
    expect(brief(added("yy"))).toEqual([{ rule: "property-added-open-model", pointer: "/properties/yy", backwards: C, forwards: B }]);
    expect(brief(added("zz"))).toEqual([{ rule: "pattern-unsupported", pointer: "/properties/zz", backwards: B, forwards: B }]);
    expect(added("zz")[0]!.message).toBe("property 'zz' added (optional): cannot evaluate pattern '^(x)\\1': a backreference (\\1) is not supported (blue matches patterns with RE2, in linear time, which has no backreferences or lookaround); taken as breaking");
    // Removing a property is judged against the new side's patterns the same way; an invalid one cannot be evaluated either.
    const invalid = { patternProperties: { "(": {} }, additionalProperties: false, properties: { a: {} } };
    expect(brief(compareSchemas(invalid, { ...invalid, properties: {} }))).toEqual([{ rule: "pattern-unsupported", pointer: "/properties/a", backwards: B, forwards: B }]);
  });

  test("a changed property in a partially open model gets the verdict of the nested comparison", () => {
    const old = { additionalProperties: { type: "string", maxLength: 3 } };
    const neu = { additionalProperties: { type: "string", maxLength: 3 }, properties: { name: { type: "string" } } };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "property-added-partial-model", pointer: "/properties/name", backwards: B, forwards: C }]);
    const same = { additionalProperties: { type: "string" }, properties: { name: { type: "string" } } };
    expect(brief(compareSchemas({ additionalProperties: { type: "string" } }, same))).toEqual([{ rule: "property-added-partial-model", pointer: "/properties/name", backwards: C, forwards: C }]);
  });

  test("inside not, verdicts swap", () => {
    const findings = compareSchemas({ not: { type: "string", maxLength: 5 } }, { not: { type: "string", maxLength: 10 } });
    expect(brief(findings)).toEqual([{ rule: "max-length-increased", pointer: "/not/maxLength", backwards: C, forwards: B }]);
    const twice = compareSchemas({ not: { not: { maxLength: 5 } } }, { not: { not: { maxLength: 10 } } });
    expect(brief(twice)).toEqual([{ rule: "max-length-increased", pointer: "/not/not/maxLength", backwards: B, forwards: C }]);
  });

  test("a oneOf member added to overlapping members is breaking both ways", () => {
    const findings = compareSchemas({ oneOf: [{ type: "string" }, { minLength: 2 }] }, { oneOf: [{ type: "string" }, { minLength: 2 }, { maxLength: 5 }] });
    expect(brief(findings)).toEqual([{ rule: "one-of-member-added", pointer: "/oneOf/2", backwards: B, forwards: B }]);
  });

  test("oneOf members told apart by a required discriminator are disjoint", () => {
    const kind = (k: string) => ({ type: "object", required: ["kind"], properties: { kind: { const: k } } });
    const findings = compareSchemas({ oneOf: [kind("s3"), kind("gcs")] }, { oneOf: [kind("s3"), kind("gcs"), kind("azure")] });
    expect(brief(findings)).toEqual([{ rule: "one-of-member-added", pointer: "/oneOf/2", backwards: B, forwards: C }]);
  });

  test("a schema wrapped into anyOf with a new member is one member added", () => {
    const findings = compareSchemas({ type: "string", title: "Owner" }, { title: "Owner", anyOf: [{ type: "string" }, { type: "null" }] });
    expect(brief(findings)).toEqual([{ rule: "any-of-member-added", pointer: "/anyOf/1", backwards: B, forwards: C }]);
    const back = compareSchemas({ anyOf: [{ type: "string" }, { type: "null" }] }, { type: "string" });
    expect(brief(back)).toEqual([{ rule: "any-of-member-removed", pointer: "/anyOf/1", backwards: C, forwards: B }]);
  });

  test("draft 7 tuples (items array + additionalItems) and draft 4 boolean exclusiveMaximum", () => {
    const old = { items: [{ type: "string" }], additionalItems: false };
    const neu = { items: [{ type: "string" }, { type: "integer" }], additionalItems: false };
    expect(brief(compareSchemas(old, neu))).toEqual([{ rule: "item-added-closed-model", pointer: "/items/1", backwards: B, forwards: C }]);
    expect(brief(compareSchemas({ maximum: 10 }, { maximum: 10, exclusiveMaximum: true }))).toEqual([{ rule: "exclusive-maximum-added", pointer: "/exclusiveMaximum", backwards: C, forwards: B }]);
  });

  // Issue 19: this test once asserted multiple-of-narrowed, which was unsound: ajv (x / m === parseInt(x / m))
  // rejects 0.3 under multipleOf 0.1, since 0.3 / 0.1 is 2.9999999999999996 in binary floating point.
  test("multipleOf with fractions is judged as ajv judges it: 0.1 → 0.3 breaks both ways, 0.1 → 0.2 within bounds narrows", () => {
    expect(compareSchemas({ multipleOf: 0.1 }, { multipleOf: 0.3 }).map((f) => f.rule)).toEqual(["multiple-of-changed"]);
    expect(compareSchemas({ multipleOf: 0.1, maximum: 1e6, minimum: -1e6 }, { multipleOf: 0.2, maximum: 1e6, minimum: -1e6 }).map((f) => f.rule)).toEqual(["multiple-of-narrowed"]);
  });

  test("multipleOf without bounds breaks both ways even for 2 → 4: ajv rejects quotients of 1e21 and more", () => {
    expect(brief(compareSchemas({ multipleOf: 2 }, { multipleOf: 4 }))).toEqual([{ rule: "multiple-of-changed", pointer: "/multipleOf", backwards: B, forwards: B }]);
  });

  test("items added to a schema without them narrow, one finding per keyword", () => {
    expect(brief(compareSchemas({ type: "array" }, { type: "array", items: { type: "string", minLength: 1 } }))).toEqual([
      { rule: "type-narrowed", pointer: "/items/type", backwards: C, forwards: B },
      { rule: "min-length-added", pointer: "/items/minLength", backwards: C, forwards: B },
    ]);
  });
});

describe("order and scale", () => {
  const wide = (count: number, changed: (i: number) => boolean) => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      properties[`field${i}`] = { type: "object", description: `field ${i}`, required: ["name"], properties: { name: { type: "string", maxLength: changed(i) ? 64 : 32 }, tags: { type: "array", items: { enum: ["a", "b"] } } } };
    }
    return { type: "object", properties, additionalProperties: false };
  };

  test("2,000 properties against a slightly changed copy: the 20 changes and nothing else", () => {
    const findings = compareSchemas(wide(2000, () => false), wide(2000, (i) => i % 100 === 7));
    expect(findings).toHaveLength(20);
    expect(findings.every((f) => f.rule === "max-length-increased")).toBe(true);
  });

  test("the same input gives the same findings, whatever the order of keys", () => {
    const old = { type: "object", properties: { b: { type: "string" }, a: { type: "string" } } };
    const neu = { type: "object", properties: { a: { type: "integer" }, c: {}, b: { type: "integer" } } };
    const reordered = { properties: { c: {}, b: { type: "integer" }, a: { type: "integer" } }, type: "object" };
    expect(compareSchemas(old, neu)).toEqual(compareSchemas(old, reordered));
    expect(compareSchemas(old, neu).map((f) => f.pointer)).toEqual(["/properties/a/type", "/properties/b/type", "/properties/c"]);
  });
});
