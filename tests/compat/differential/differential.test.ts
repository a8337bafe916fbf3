// The differential test of issue 19: the engine's verdicts against ajv's (the validator of record, configured
// as `blue realm check` configures it: src/check/validate.ts) on a seeded corpus. A direction is breaking when
// a value is accepted by one side and rejected by the other in that direction; it is compatible only when a
// label says so (by hand, or by construction for the mutations) and no value refutes the label.
// Soundness: every breaking direction is judged breaking (must be 100%). Completeness: compatible directions
// judged compatible (≥ 90%).

import { describe, expect, test } from "bun:test";
import { compareSchemas } from "../../../src/compat/index.ts";
import { ajvOutcome } from "../../../src/check/validate.ts";
import { rng } from "../../seeded.ts";
import type { Case, Label } from "./case.ts";
import { WITNESS_CASES } from "./corpus-witnesses.ts";
import { differentialCorpus } from "./corpus.ts";
import { candidateValues } from "./values.ts";

const SEED = Number(process.env.COMPAT_DIFF_SEED ?? 19);
const { hand: HAND, mutated: MUTATED } = differentialCorpus(SEED);
const CASES = [...HAND, ...MUTATED];

type Dir = "backwards" | "forwards";
type Truth = "breaking" | "compatible" | "unknown";
type Judged = { c: Case; hand: boolean; truth: Record<Dir, Truth>; witness: Partial<Record<Dir, unknown>>; engine: Record<Dir, Truth>; invalid?: string };

const asSchema = (s: unknown) => (typeof s === "boolean" ? (s ? {} : { not: {} }) : (s as Record<string, unknown>));
const accepts = (schema: unknown, value: unknown) => {
  const out = ajvOutcome(asSchema(schema), value);
  if (out.schemaError) throw new Error(out.schemaError);
  return out.errors.length === 0;
};

function judge(c: Case, index: number, hand: boolean): Judged {
  const witness: Partial<Record<Dir, unknown>> = {};
  const engineFindings = compareSchemas(c.old, c.new);
  const engine = {
    backwards: engineFindings.some((f) => f.backwards === "breaking") ? "breaking" : "compatible",
    forwards: engineFindings.some((f) => f.forwards === "breaking") ? "breaking" : "compatible",
  } as Record<Dir, Truth>;
  const values = [...Object.values(c.witness ?? {}), ...candidateValues([c.old, c.new], rng(SEED * 1000 + index))];
  try {
    for (const v of values) {
      const o = accepts(c.old, v);
      const n = accepts(c.new, v);
      if (n && !o && !("backwards" in witness)) witness.backwards = v;
      if (o && !n && !("forwards" in witness)) witness.forwards = v;
      if ("backwards" in witness && "forwards" in witness) break;
    }
  } catch (e) {
    return { c, hand, truth: { backwards: "unknown", forwards: "unknown" }, witness, engine, invalid: (e as Error).message };
  }
  const truthOf = (d: Dir, label: Label): Truth => (d in witness ? "breaking" : label === "c" ? "compatible" : "unknown");
  return { c, hand, truth: { backwards: truthOf("backwards", c.backwards), forwards: truthOf("forwards", c.forwards) }, witness, engine };
}

const judged = CASES.map((c, i) => judge(c, i, i < HAND.length));
const dirs: Dir[] = ["backwards", "forwards"];
const directions = judged.filter((j) => !j.invalid).flatMap((j) => dirs.map((d) => ({ j, d })));
const breaking = directions.filter(({ j, d }) => j.truth[d] === "breaking");
const compatible = directions.filter(({ j, d }) => j.truth[d] === "compatible");
const unsound = breaking.filter(({ j, d }) => j.engine[d] !== "breaking");
const falseAlarms = compatible.filter(({ j, d }) => j.engine[d] !== "compatible");
const pct = (part: number, whole: number) => (whole === 0 ? 100 : (100 * part) / whole);
const soundness = pct(breaking.length - unsound.length, breaking.length);
const completeness = pct(compatible.length - falseAlarms.length, compatible.length);
const show = ({ j, d }: { j: Judged; d: Dir }) => `${d} of '${j.c.name}'${d in j.witness ? ` (witness ${JSON.stringify(j.witness[d])})` : ""}`;

describe(`differential corpus: ${HAND.length} hand-written pairs + ${MUTATED.length} seeded mutations (seed ${SEED})`, () => {
  test("every hand-written schema compiles under ajv", () => {
    expect(judged.filter((j) => j.hand && j.invalid).map((j) => `${j.c.name}: ${j.invalid}`)).toEqual([]);
  });

  test("labels hold: no value refutes a 'compatible' label, and every 'breaking' label has a witness", () => {
    const refuted = judged.flatMap((j) => dirs.filter((d) => j.c[d] === "c" && d in j.witness).map((d) => show({ j, d })));
    const unproven = judged.flatMap((j) => dirs.filter((d) => j.c[d] === "x" && !(d in j.witness) && !j.invalid).map((d) => `${d} of '${j.c.name}'`));
    expect(refuted).toEqual([]);
    expect(unproven).toEqual([]);
  });

  test("soundness: no direction judged compatible where a value breaks it (100%)", () => {
    console.log(
      `compat differential: ${judged.length} pairs (${HAND.length} hand-written, ${MUTATED.length} mutations), ${directions.length} directions; ` +
        `breaking ${breaking.length}, soundness ${soundness.toFixed(1)}%; known compatible ${compatible.length}, completeness ${completeness.toFixed(1)}% (${falseAlarms.length} false alarms)`,
    );
    expect(unsound.map(show)).toEqual([]);
  });

  test("completeness: at least 90% of truly compatible directions judged compatible", () => {
    if (completeness < 90 || process.env.COMPAT_DIFF_VERBOSE) console.log(falseAlarms.map(show).join("\n"));
    expect(completeness).toBeGreaterThanOrEqual(90);
  });

  test("the issue's witness classes are all judged breaking in the direction their witness breaks", () => {
    const missed = judged.filter((j) => WITNESS_CASES.includes(j.c)).flatMap((j) => dirs.filter((d) => d in j.witness && j.engine[d] !== "breaking").map((d) => show({ j, d })));
    expect(missed).toEqual([]);
  });
});

export { judged as DIFFERENTIAL_RESULTS };
