// Witnesses in the check layer: attached to each breaking compatibility finding (never to a compatible one),
// named by version, and shown in text, --json and SARIF.
import { describe, expect, test } from "bun:test";
import { checkCompatibility, CheckReport, summarize, type Finding } from "../../src/check/findings.ts";
import { WITNESS_SCHEMA_BYTES, WITNESSES_PER_COMPARISON, witnessesFor } from "../../src/check/witness.ts";
import { formatReport } from "../../src/ui/check-report.ts";
import type { ContractFile } from "../../src/realm/schema.ts";

const contract: ContractFile = {
  name: "c",
  version: "2.0.0",
  owner: "a",
  compatibility: { backwards: true, forwards: false },
  schema: {},
  value: {},
  evolution: [],
};
const from = { version: "1.0.0", schema: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false }, value: {} };
const to = { version: "2.0.0", schema: { type: "object", properties: { a: { type: "string" }, b: { type: "integer" } }, additionalProperties: false }, value: {} };

function compared(req = contract.compatibility): Finding[] {
  const c = { ...contract, compatibility: req };
  return checkCompatibility("d", c, from, to, () => undefined, (changes) => witnessesFor(from, to, req, changes, () => 0)).findings;
}

const report = (findings: Finding[]): CheckReport => ({
  realm: "r",
  repo: null,
  modes: ["compatibility"],
  findings,
  checked: [{ mode: "compatibility", contract: "c", domain: "d" }],
  summary: summarize(findings),
  compatibility: [{ contract: "c", from: "1.0.0", to: "2.0.0", result: "BREAKING (major version bump OK)" }],
});

describe("witnesses on compatibility findings", () => {
  test("a breaking finding carries a witness verified in the breaking direction, named by version", () => {
    const f = compared().find((x) => x.rule === "property-added-closed-model")!;
    expect(f.witness).toEqual({ found: true, value: { b: 0 }, valid_under: "2.0.0", rejected_by: "1.0.0" });
  });

  test("a change that breaks no direction the contract requires gets none", () => {
    const f = compared({ backwards: false, forwards: true }).find((x) => x.rule === "property-added-closed-model")!;
    expect(f.witness).toBeUndefined();
  });

  test("text: one line under the finding", () => {
    const text = formatReport(report(compared()), "text");
    expect(text).toContain("property-added-closed-model: property 'b' added");
    expect(text).toContain('\n        witness: {"b":0} is valid under 2.0.0 and rejected by 1.0.0\n');
  });

  test("--json: the witness field, which the report's schema accepts", () => {
    const doc = CheckReport.parse(JSON.parse(formatReport(report(compared()), "json")));
    expect(doc.findings.find((f) => f.witness)?.witness).toEqual({ found: true, value: { b: 0 }, valid_under: "2.0.0", rejected_by: "1.0.0" });
  });

  test("SARIF: in the result's message and its properties", () => {
    const sarif = JSON.parse(formatReport(report(compared()), "sarif")) as { runs: { results: { ruleId: string; message: { text: string }; properties?: { witness: unknown } }[] }[] };
    const r = sarif.runs[0]!.results.find((x) => x.ruleId === "property-added-closed-model")!;
    expect(r.message.text).toEndWith('; witness: {"b":0} is valid under 2.0.0 and rejected by 1.0.0');
    expect(r.properties).toEqual({ witness: { found: true, value: { b: 0 }, valid_under: "2.0.0", rejected_by: "1.0.0" } });
  });

  test("none found is said, with why", () => {
    // ajv does not assert contentMediaType: the engine calls the change breaking, and no value shows it.
    const a = { version: "1.0.0", schema: { type: "string", contentMediaType: "text/plain" } };
    const b = { version: "2.0.0", schema: { type: "string", contentMediaType: "text/html" } };
    const req = { backwards: true, forwards: true };
    const [w] = [...witnessesFor(a, b, req, [{ rule: "unknown-change", pointer: "/contentMediaType", message: "", backwards: "breaking", forwards: "breaking" }]).values()];
    expect(w!.found).toBe(false);
    expect(formatReport(report([{ rule: "unknown-change", severity: "error", mode: "compatibility", contract: "c", domain: "d", message: "m", witness: w! }]), "text")).toMatch(/witness: none \(no witness found within the search bound \(\d+ values tried\)\)/);
  });

  test(`only the first ${WITNESSES_PER_COMPARISON} breaking findings of a comparison are searched`, () => {
    const many = Array.from({ length: WITNESSES_PER_COMPARISON + 2 }, (_, i) => ({ rule: "required-added", pointer: `/required/${i}`, message: "", backwards: "compatible" as const, forwards: "breaking" as const }));
    const ws = [...witnessesFor(from, to, { backwards: false, forwards: true }, many).values()];
    expect(ws.filter((w) => !w.found && w.reason.startsWith("not searched"))).toHaveLength(2);
  });

  test("a schema past the size bound is not searched (ajv's compile would cost seconds), and the finding says so", () => {
    const properties = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, { type: "string", maxLength: 64 + i }]));
    const a = { version: "1.0.0", schema: { type: "object", properties } };
    const b = { version: "2.0.0", schema: { type: "object", properties, required: ["p0"] } };
    expect(JSON.stringify(a.schema).length).toBeGreaterThan(WITNESS_SCHEMA_BYTES);
    const [w] = [...witnessesFor(a, b, { backwards: false, forwards: true }, [{ rule: "required-added", pointer: "/required/0", message: "", backwards: "compatible", forwards: "breaking" }]).values()];
    expect(w!.found).toBe(false);
    if (!w!.found) expect(w!.reason).toMatch(/^not searched: the schema is \d+ KB, over the 32 KB that witnesses are searched for \(ajv's compile time grows with it\)$/);
  });
});
