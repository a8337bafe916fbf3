// Child of bench/compat.ts: json-schema-diff (npm) on the pairs of a JSON file, from index START on, one JSON line
// per pair as it finishes. Its work is synchronous inside a promise, so only a separate process can be stopped
// when a pair takes too long: the parent kills this one and starts another after the pair that did not finish.
// `bun bench/compat-jsd.ts PAIRS.json START`
import jsd from "json-schema-diff";
import { readFileSync } from "node:fs";

const [file, startArg] = process.argv.slice(2);
const pairs = JSON.parse(readFileSync(file!, "utf8")) as { old: unknown; new: unknown }[];
type Schema = Parameters<typeof jsd.diffSchemas>[0]["sourceSchema"];

// Its first call loads and compiles its code: untimed, as the engine's first call is in the parent.
await jsd.diffSchemas({ sourceSchema: { type: "string" }, destinationSchema: { type: ["string", "null"] } });
for (let i = Number(startArg ?? 0); i < pairs.length; i++) {
  const { old, new: neu } = pairs[i]!;
  const t = performance.now();
  let line: Record<string, unknown>;
  try {
    const r = await jsd.diffSchemas({ sourceSchema: old as Schema, destinationSchema: neu as Schema });
    line = { i, ms: performance.now() - t, backwards: r.additionsFound, forwards: r.removalsFound };
  } catch (e) {
    line = { i, ms: performance.now() - t, error: String((e as Error).message ?? e).split("\n")[0]!.slice(0, 120) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
