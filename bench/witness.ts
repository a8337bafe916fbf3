// The witness search (issue 19): how long it takes per breaking finding, on the test table's pair per rule and
// on a 2,000-property schema. `bun bench/witness.ts`. The search's own bound is 50 ms per finding (an injected
// clock and a candidate count); compiling the two schemas with ajv happens once per comparison, before it, and
// is reported on its own: it is why `check` searches no schema over WITNESS_SCHEMA_BYTES (check/witness.ts).
import { ajvAccepts } from "../src/check/validate.ts";
import { WITNESS_SCHEMA_BYTES } from "../src/check/witness.ts";
import { compareSchemas, type SchemaFinding } from "../src/compat/index.ts";
import { findWitness } from "../src/compat/witness.ts";
import { breakingVersion, schemaWith } from "./generate-realm.ts";
import { WITNESS_CASES } from "../tests/compat/witness-cases.ts";

type Row = { ms: number; found: boolean; tried: number };

function searchAll(oldSchema: unknown, newSchema: unknown, findings: readonly SchemaFinding[]): Row[] {
  const rows: Row[] = [];
  for (const f of findings) {
    for (const d of ["backwards", "forwards"] as const) {
      if (f[d] !== "breaking") continue;
      const t = performance.now();
      const w = findWitness(oldSchema, newSchema, f, d, { accepts: ajvAccepts });
      rows.push({ ms: performance.now() - t, found: w.found, tried: w.tried });
    }
  }
  return rows;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
function report(name: string, rows: Row[]): string {
  const ms = rows.map((r) => r.ms);
  const found = rows.filter((r) => r.found).length;
  return `| ${name} | ${rows.length} | ${found} | ${pct(ms, 0.5).toFixed(2)} | ${pct(ms, 0.95).toFixed(2)} | ${Math.max(...ms).toFixed(2)} | ${Math.max(...rows.map((r) => r.tried))} |`;
}

/** The search's bound per finding, as `check` runs it (findWitness's default budget). */
export const WITNESS_BOUND_MS = 50;

export type WitnessBench = { lines: string[]; verdicts: string[] };

export function benchWitness(): WitnessBench {
  // Warm ajv up once (its first compile loads it), then compile each case's schemas before the timed search.
  ajvAccepts({ type: "string" }, "");
  const table: Row[] = [];
  for (const [, oldSchema, newSchema] of WITNESS_CASES) {
    ajvAccepts(oldSchema, null);
    ajvAccepts(newSchema, null);
    table.push(...searchAll(oldSchema, newSchema, compareSchemas(oldSchema, newSchema)));
  }

  // A 2,000-property schema (bench/generate-realm.ts's) and a breaking version of it: a property removed under
  // additionalProperties: false, a maximum lowered, a maxLength lowered, an enum value removed, a property required.
  const big = schemaWith(2000);
  const next = breakingVersion(big, 2000);
  let t = performance.now();
  ajvAccepts(big, null);
  ajvAccepts(next, null);
  const compileMs = performance.now() - t;
  t = performance.now();
  const bigFindings = compareSchemas(big, next);
  const engineMs = performance.now() - t;
  const bigRows = searchAll(big, next, bigFindings);

  // ajv's compile time by schema size: what the size bound of `check` avoids.
  const compileRows: string[] = [];
  for (const n of [100, 500, 1000, 2000]) {
    const schema = schemaWith(n);
    const start = performance.now();
    ajvAccepts({ ...schema, $comment: `bench ${n}` }, null);
    const bytes = JSON.stringify(schema).length;
    compileRows.push(`| ${n} | ${Math.round(bytes / 1024)} KB | ${(performance.now() - start).toFixed(0)} | ${bytes > WITNESS_SCHEMA_BYTES ? "no" : "yes"} |`);
  }

  const all = [...table, ...bigRows].map((r) => r.ms);
  const bound = (name: string, x: number) => `witness search per breaking finding, ${name}: ${x.toFixed(2)} ms, ${((100 * x) / WITNESS_BOUND_MS).toFixed(1)}% of the bound of ${WITNESS_BOUND_MS} ms: ${x <= WITNESS_BOUND_MS ? "met" : "MISSED"}`;
  const lines = [
    "| witness search | breaking directions | witnesses found | median ms | p95 ms | max ms | most candidates tried |",
    "|---|---|---|---|---|---|---|",
    report("one pair per breaking rule (tests/compat/witness-cases.ts)", table),
    report("2,000-property schema, 5 breaking changes (searched here past check's size bound)", bigRows),
    "",
    `2,000-property schema: ajv compiles both versions in ${compileMs.toFixed(0)} ms (once per comparison, before the searches); the engine compares them in ${engineMs.toFixed(1)} ms.`,
    "",
    "| properties | schema JSON | ajv compile ms | searched by `check` |",
    "|---|---|---|---|",
    ...compileRows,
  ];
  const verdicts = [bound("median", pct(all, 0.5)), bound("p95", pct(all, 0.95)), bound("max", Math.max(...all))];
  return { lines, verdicts };
}

if (import.meta.main) {
  const { lines, verdicts } = benchWitness();
  console.log([...lines, "", ...verdicts.map((v) => `- ${v}`)].join("\n"));
}
