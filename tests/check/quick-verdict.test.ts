// quickVerdict must never disagree with ajv where it answers: compared on thousands of generated schemas and
// values (seeded, so a failure names a case that can be replayed), and on the cases it must leave to ajv.
import { describe, expect, test } from "bun:test";
import { quickVerdict } from "../../src/check/quick-verdict.ts";
import { ajvOutcome, validateValue } from "../../src/check/validate.ts";
import { rng } from "../seeded.ts";


const KEYS = ["a", "b", "c"];
const STRINGS = ["", "a", "abc", "ABC", "a/b", "2024-01-31", "2024-02-30", "x@example.com", "not an email", "https://example.com/p", "1.2.3.4", "😀x", "12:30:00Z", "0f8fe7a2-5d4b-4b3e-9c6e-1f2a3b4c5d6e"];
const NUMBERS = [0, 1, -1, 2.5, 3, 100, 2147483648, -0.5];
const TYPES = ["null", "boolean", "object", "array", "number", "integer", "string"];
const PATTERNS = ["^a", "c$", "^[a-z]+$", "\\d", "^\\p{L}+$"];
const FORMATS = ["date", "email", "uri", "ipv4", "uuid", "int32", "time"];

function gen(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const value = (depth: number): unknown => {
    const k = Math.floor(r() * (depth > 2 ? 4 : 6));
    if (k === 0) return null;
    if (k === 1) return chance(0.5);
    if (k === 2) return pick(NUMBERS);
    if (k === 3) return pick(STRINGS);
    if (k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (const key of KEYS) if (chance(0.5)) o[key] = value(depth + 1);
    return o;
  };
  const schema = (depth: number): unknown => {
    if (chance(0.05)) return chance(0.7);
    const s: Record<string, unknown> = {};
    if (chance(0.6)) s.type = chance(0.8) ? pick(TYPES) : [pick(TYPES), pick(TYPES)].filter((t, i, a) => a.indexOf(t) === i);
    if (chance(0.1)) s.enum = Array.from({ length: 1 + Math.floor(r() * 3) }, () => value(2));
    if (chance(0.05)) s.const = value(2);
    if (chance(0.15)) s[pick(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"])] = pick(NUMBERS);
    if (chance(0.15)) s[pick(["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"])] = Math.floor(r() * 4);
    if (chance(0.1)) s.pattern = pick(PATTERNS);
    if (chance(0.1)) s.format = pick(FORMATS);
    if (chance(0.05)) s.uniqueItems = chance(0.7);
    if (depth < 3) {
      if (chance(0.35)) s.properties = Object.fromEntries(KEYS.filter(() => chance(0.5)).map((k) => [k, schema(depth + 1)]));
      if (chance(0.2)) s.required = KEYS.filter(() => chance(0.4));
      if (chance(0.2)) s.additionalProperties = chance(0.5) ? chance(0.5) : schema(depth + 1);
      if (chance(0.2)) s.items = schema(depth + 1);
      if (chance(0.08)) s[pick(["allOf", "anyOf", "oneOf"])] = Array.from({ length: 1 + Math.floor(r() * 3) }, () => schema(depth + 1));
      if (chance(0.05)) s.not = schema(depth + 1);
      if (chance(0.05)) Object.assign(s, { if: schema(depth + 1), then: schema(depth + 1), ...(chance(0.5) ? { else: schema(depth + 1) } : {}) });
    }
    if (chance(0.05)) s.title = "t";
    if (chance(0.03)) s.description = 5; // malformed: ajv refuses the schema, quickVerdict must step aside
    if (chance(0.03)) s.minLength = -1;
    if (chance(0.03)) s.type = "strin";
    return s;
  };
  return { schema, value };
}

describe("quickVerdict agrees with ajv", () => {
  test("on 6,000 generated schemas and values, wherever it answers", () => {
    let answered = 0;
    let valid = 0;
    let invalid = 0;
    const disagreements: string[] = [];
    for (let seed = 1; seed <= 6000; seed++) {
      const r = rng(seed);
      const { schema, value } = gen(r);
      const s = schema(0);
      const root = (typeof s === "boolean" ? { allOf: [s] } : s) as Record<string, unknown>;
      const v = value(0);
      const quick = quickVerdict(root, v);
      const ajv = ajvOutcome(root, v);
      if (quick === undefined) continue;
      answered++;
      if (quick) valid++;
      else invalid++;
      const ajvValid = !ajv.schemaError && ajv.errors.length === 0;
      if (ajv.schemaError || quick !== ajvValid) disagreements.push(`seed ${seed}: quick ${quick}, ajv ${ajv.schemaError ?? JSON.stringify(ajv.errors)}\n  schema ${JSON.stringify(root)}\n  value ${JSON.stringify(v)}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Not vacuous: it answered most cases, both ways.
    expect(answered).toBeGreaterThan(4000);
    expect(valid).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(500);
  });

  test("steps aside for what it does not model, and for schemas ajv refuses", () => {
    const value = { a: 1 };
    for (const schema of [
      { $ref: "#/$defs/x", $defs: { x: { type: "object" } } },
      { patternProperties: { "^a": { type: "integer" } } },
      { type: "object", properties: { a: { multipleOf: 1 } } },
      { format: "no-such-format" },
      { type: "obj" },
      { required: ["a", "a"] },
      { properties: { a: { minLength: 1.5 } } },
      { $schema: "http://json-schema.org/draft-04/schema#" },
      { pattern: "(" },
      { allOf: [] },
      { items: [{ type: "string" }] },
    ]) {
      expect([JSON.stringify(schema), quickVerdict(schema, value)]).toEqual([JSON.stringify(schema), undefined]);
    }
    expect(quickVerdict({ type: "number" }, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(quickVerdict({ type: "object" }, new Date())).toBeUndefined();
  });

  test("proves the plain contract shapes valid, and leaves failures to ajv to explain", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      required: ["read", "write"],
      additionalProperties: false,
      properties: { read: { type: "array", items: { type: "string", pattern: "^[a-z-]+(/[a-z*-]+)*/?\\*?$" }, uniqueItems: true }, write: { type: "array", items: { type: "string" } }, owner: { type: "string", format: "email" } },
    };
    const ok = { read: ["jobs/*", "training-metrics/"], write: [], owner: "team@example.com" };
    expect(quickVerdict(schema, ok)).toBe(true);
    const bad = { read: ["jobs/*", "jobs/*"], write: [], extra: 1 };
    expect(quickVerdict(schema, bad)).toBe(false);
    // validateValue's answer on a failure is ajv's, every error included.
    expect(validateValue(schema, bad)).toEqual(ajvOutcome(schema, bad));
    expect(validateValue(schema, bad).errors.map((e) => e.message)).toContain("must NOT have additional properties");
  });
});
