// Witnesses (src/compat/witness.ts): for every breaking rule of the table, a concrete value one version accepts
// and the other rejects, in the direction that breaks, verified by ajv against both schemas; never an unverified
// one, a bounded search, and the same answer every run.
import { describe, expect, test } from "bun:test";
import { compareSchemas, RULES } from "../../src/compat/index.ts";
import { findWitness, type Direction } from "../../src/compat/witness.ts";
import { ajvAccepts, ajvOutcome } from "../../src/check/validate.ts";
import { rng } from "../seeded.ts";
import { WITNESS_CASES } from "./witness-cases.ts";

/** ajv's verdict by a second road (the validator keyed by schema text, with its errors), to check a witness. */
const valid = (schema: unknown, value: unknown) => {
  const o = ajvOutcome(schema as Record<string, unknown>, value);
  expect(o.schemaError).toBeUndefined();
  return o.errors.length === 0;
};

function expectVerified(oldSchema: unknown, newSchema: unknown, direction: Direction, value: unknown): void {
  const [accepting, rejecting] = direction === "backwards" ? [newSchema, oldSchema] : [oldSchema, newSchema];
  expect(valid(accepting, value)).toBe(true);
  expect(valid(rejecting, value)).toBe(false);
}

// A clock that never moves: the candidate count alone bounds the search, so a loaded machine cannot change an
// answer here (the time budget has its own test below).
const opts = { accepts: ajvAccepts, now: () => 0 };

describe("a witness for every breaking rule", () => {
  test("every rule that can break has a case (pattern-unsupported: a schema ajv cannot compile, below)", () => {
    const covered = new Set(WITNESS_CASES.map(([rule]) => rule));
    const missing = RULES.filter((r) => r.backwards !== "compatible" || r.forwards !== "compatible")
      .map((r) => r.id)
      .filter((id) => id !== "pattern-unsupported" && !covered.has(id));
    expect(missing).toEqual([]);
  });

  for (const [rule, oldSchema, newSchema] of WITNESS_CASES) {
    test(rule, () => {
      const finding = compareSchemas(oldSchema, newSchema).find((f) => f.rule === rule);
      expect(finding, `the engine reports ${rule}`).toBeDefined();
      const directions = (["backwards", "forwards"] as const).filter((d) => finding![d] === "breaking");
      expect(directions.length).toBeGreaterThan(0);
      for (const d of directions) {
        const w = findWitness(oldSchema, newSchema, finding!, d, opts);
        expect(w.found, `${rule} ${d}: ${w.found ? "" : w.reason}`).toBe(true);
        if (!w.found) continue;
        expect(w.validUnder).toBe(d === "backwards" ? "new" : "old");
        expectVerified(oldSchema, newSchema, d, w.value);
      }
    });
  }

  test("a schema ajv cannot compile (a pattern RE2 refuses) gets no witness, and says why", () => {
    const oldSchema = { type: "object", properties: { a: { type: "string" } } };
    const newSchema = { type: "object", properties: { a: { type: "string" } }, patternProperties: { "(a)\\1": { type: "integer" } } };
    const w = findWitness(oldSchema, newSchema, { pointer: "/patternProperties/(a)\\1" }, "forwards", opts);
    expect(w).toEqual({ found: false, reason: "the new schema does not compile, so no value can be verified", tried: 0 });
  });
});

describe("the issue's examples, each with its witness", () => {
  const cases: [string, unknown, unknown, string, Direction, unknown][] = [
    [
      "patternProperties that also match a declared property",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false, patternProperties: { "^a": { type: "integer" } } },
      "/patternProperties/^a",
      "forwards",
      { a: "" },
    ],
    [
      "a property added under an unchanged unevaluatedProperties: false",
      { type: "object", properties: { a: { type: "string" } }, unevaluatedProperties: false },
      { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, unevaluatedProperties: false },
      "/properties/b",
      "backwards",
      { b: "a" },
    ],
    [
      "a oneOf member widened through $ref",
      { $defs: { A: { type: "integer" } }, oneOf: [{ $ref: "#/$defs/A" }, { type: "string" }] },
      { $defs: { A: { type: ["integer", "string"] } }, oneOf: [{ $ref: "#/$defs/A" }, { type: "string" }] },
      "/$defs/A/type",
      "forwards",
      "a",
    ],
    ["multipleOf 0.1 → 0.3, as ajv judges it", { type: "number", multipleOf: 0.1 }, { type: "number", multipleOf: 0.3 }, "/multipleOf", "backwards", 0.3],
  ];
  for (const [name, oldSchema, newSchema, pointer, d, expected] of cases) {
    test(name, () => {
      const w = findWitness(oldSchema, newSchema, { pointer }, d, opts);
      expect(w.found).toBe(true);
      if (w.found) expect(w.value).toEqual(expected);
      if (w.found) expectVerified(oldSchema, newSchema, d, w.value);
    });
  }
});

describe("the search", () => {
  const [, oldSchema, newSchema] = WITNESS_CASES.find(([r]) => r === "pattern-added")!;

  test("stops at its candidate bound and says so", () => {
    const w = findWitness({ type: "string" }, { type: "string", pattern: "^q{7}z$" }, { pointer: "/pattern" }, "backwards", { ...opts, maxCandidates: 5 });
    expect(w).toEqual({ found: false, reason: "no witness found within the search bound (5 values tried)", tried: 5 });
  });

  test("stops at its time budget on the injected clock", () => {
    let t = 0;
    const w = findWitness(oldSchema, newSchema, { pointer: "/properties/id/pattern" }, "forwards", { ...opts, now: () => (t += 30), budgetMs: 50 });
    expect(w.found).toBe(false);
    expect(w.tried).toBe(1);
  });

  test("never returns a value the validator did not confirm on both sides", () => {
    // A validator that accepts everything: no value is rejected by one side, so there is no witness at all.
    const w = findWitness(oldSchema, newSchema, { pointer: "/properties/id/pattern" }, "forwards", { accepts: () => true });
    expect(w.found).toBe(false);
  });

  test("the same finding gives the same witness every run", () => {
    const run = () => findWitness(oldSchema, newSchema, { pointer: "/properties/id/pattern" }, "forwards", opts);
    expect(run()).toEqual(run());
  });
});

// Random schema pairs (seeded): one schema and a mutation of it. Whatever the engine reports as breaking, every
// witness the search returns is one ajv confirms against both schemas.
describe("property: every witness returned is verified against both schemas", () => {
  const SEED = 1919;
  const random = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const leaf = (): Record<string, unknown> =>
    pick([
      () => ({ type: "string", ...(random() < 0.5 ? { minLength: pick([0, 1, 3]) } : {}), ...(random() < 0.3 ? { maxLength: pick([2, 5]) } : {}) }),
      () => ({ type: pick(["integer", "number"]), ...(random() < 0.5 ? { minimum: pick([-1, 0, 5]) } : {}), ...(random() < 0.5 ? { maximum: pick([10, 20]) } : {}) }),
      () => ({ enum: pick([["a", "b"], ["a", "b", "c"], [1, 2]]) }),
      () => ({ type: "boolean" }),
      () => ({ type: "array", items: { type: pick(["string", "integer"]) }, ...(random() < 0.5 ? { maxItems: pick([1, 3]) } : {}) }),
      () => ({ type: "string", pattern: pick(["^[a-z]+$", "^x-[0-9]{2}$", "b"]) }),
    ])();
  const objectSchema = (): Record<string, unknown> => {
    const keys = ["a", "b", "c"].filter(() => random() < 0.7);
    return {
      type: "object",
      properties: Object.fromEntries(keys.map((k) => [k, leaf()])),
      ...(keys.length && random() < 0.5 ? { required: keys.filter(() => random() < 0.5) } : {}),
      ...(random() < 0.4 ? { additionalProperties: pick([false, { type: "string" }]) } : {}),
    };
  };
  const mutate = (s: Record<string, unknown>): Record<string, unknown> => {
    const props = { ...(s.properties as Record<string, unknown>) };
    const keys = Object.keys(props);
    const m = pick(["replace", "add", "remove", "required", "closed"]);
    if (m === "replace" && keys.length) props[pick(keys)] = leaf();
    else if (m === "add" || keys.length === 0) props[pick(["b", "c", "d"])] = leaf();
    else if (m === "remove") delete props[pick(keys)];
    else if (m === "required") return { ...s, properties: props, required: [pick(keys)] };
    else return { ...s, properties: props, additionalProperties: s.additionalProperties === false ? true : false };
    return { ...s, properties: props };
  };

  test(`seed ${SEED}: 150 pairs`, () => {
    let breaking = 0;
    let found = 0;
    for (let i = 0; i < 150; i++) {
      const oldSchema = objectSchema();
      const newSchema = mutate(oldSchema);
      for (const f of compareSchemas(oldSchema, newSchema)) {
        for (const d of ["backwards", "forwards"] as const) {
          if (f[d] !== "breaking") continue;
          breaking++;
          const w = findWitness(oldSchema, newSchema, f, d, opts);
          if (!w.found) continue;
          found++;
          expectVerified(oldSchema, newSchema, d, w.value);
        }
      }
    }
    console.error(`witness property test: ${found} of ${breaking} breaking directions got a verified witness`);
    expect(breaking).toBeGreaterThan(50);
    expect(found).toBeGreaterThan(0);
  });
});

// Odd and recursive schemas (seeded): the search never throws, and what it returns is verified.
describe("robustness: recursive and combinator-heavy schemas", () => {
  const SEED = 4242;
  const random = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const node = (depth: number): unknown => {
    if (depth > 2 || random() < 0.3) {
      return pick<unknown>([true, false, { type: "string", pattern: pick(["^a(b|c)*$", "[0-9]{3}", "(?=x)", "\\d+"]) }, { type: "integer", multipleOf: pick([2, 0.5]) }, { $ref: "#/$defs/node" }, { const: null }, { format: "email" }]);
    }
    return pick([
      () => ({ type: "object", properties: { a: node(depth + 1), b: node(depth + 1) }, additionalProperties: node(depth + 1) }),
      () => ({ type: "array", prefixItems: [node(depth + 1)], items: node(depth + 1), contains: node(depth + 1) }),
      () => ({ allOf: [node(depth + 1), { $ref: "#/$defs/node" }] }),
      () => ({ anyOf: [node(depth + 1), node(depth + 1)] }),
      () => ({ oneOf: [node(depth + 1), node(depth + 1)] }),
      () => ({ not: node(depth + 1) }),
      () => ({ if: node(depth + 1), then: node(depth + 1), else: node(depth + 1) }),
      () => ({ $schema: "http://json-schema.org/draft-07/schema#", items: [node(depth + 1)], additionalItems: node(depth + 1), dependencies: { a: ["b"] } }),
    ])();
  };
  // $defs/node refers to itself through a property (a recursive schema ajv can run) and through allOf members.
  const schema = () => ({ $defs: { node: { properties: { next: { $ref: "#/$defs/node" } }, ...(node(1) as object) } }, ...(node(0) as object) });

  test(`seed ${SEED}: 150 pairs`, () => {
    let found = 0;
    for (let i = 0; i < 150; i++) {
      const [oldSchema, newSchema] = [schema(), schema()];
      for (const f of compareSchemas(oldSchema, newSchema).slice(0, 6)) {
        for (const d of ["backwards", "forwards"] as const) {
          if (f[d] !== "breaking") continue;
          const w = findWitness(oldSchema, newSchema, f, d, { ...opts, maxCandidates: 300 });
          if (!w.found) continue;
          found++;
          expectVerified(oldSchema, newSchema, d, w.value);
        }
      }
    }
    expect(found).toBeGreaterThan(0);
  });
});
