// Builds the single `blue` executable with `bun build --compile`.
//   bun run build.ts                 → dist/blue for this machine
//   bun run build.ts --release       → dist/release/blue-<os>-<arch> and .sha256 for every supported target
// Flags that matter (NOTES-STACK.md): --bytecode needs --format=esm, and a CLI run inside users' repos must not
// autoload their .env or bunfig.toml.
import { $ } from "bun";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"] as const;

async function compile(outfile: string, target?: string): Promise<void> {
  const flags = [
    "--compile",
    "--bytecode",
    "--format=esm",
    // Each lazily imported command becomes its own chunk, loaded when it runs: without it every start-up paid
    // ~28 ms to load the whole bundle, so `blue --version` took 1.8× a compiled hello-world.
    "--splitting",
    "--minify",
    "--sourcemap=none",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    ...(target ? [`--target=bun-${target}`] : []),
  ];
  // validate-worker.ts and svg-worker.ts (the dashboard's graph layout) are more entry points: worker threads
  // load them from inside the executable.
  const result = await $`bun build ${flags} src/cli.ts src/check/validate-worker.ts src/dashboard/svg-worker.ts --outfile ${outfile}`.nothrow().quiet();
  const output = result.stdout.toString() + result.stderr.toString();
  // bun prints this yet exits 0, and the binary then dies at start-up: treat it as the failure it is.
  if (result.exitCode !== 0 || /Failed to generate bytecode/i.test(output)) {
    process.stderr.write(output);
    throw new Error(`build of ${outfile} failed`);
  }
}

if (process.argv.includes("--release")) {
  mkdirSync("dist/release", { recursive: true });
  for (const t of TARGETS) {
    const out = `dist/release/blue-${t}`;
    await compile(out, t);
    const sum = createHash("sha256").update(readFileSync(out)).digest("hex");
    writeFileSync(`${out}.sha256`, `${sum}  blue-${t}\n`);
    console.log(`built ${out} (${sum.slice(0, 12)}…)`);
  }
} else {
  await compile("dist/blue");
  console.log("built dist/blue");
}
