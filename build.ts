// Builds the single `blue` executable with `bun build --compile`.
//   bun run build.ts                          → dist/blue for this machine
//   bun run build.ts --release                → dist/release/: the six release assets, SHA256SUMS and VERSION
//   bun run build.ts --release --targets=linux-x64,linux-x64-musl   → the same for some targets only
// Flags that matter (NOTES-STACK.md): --bytecode needs --format=esm, and a CLI run inside users' repos must not
// autoload their .env or bunfig.toml. Cross-compiling fetches the target's Bun runtime (`@oven/bun-<target>`)
// from the npm registry once, into Bun's install cache (~/.bun/install/cache/bun-<target>-v<bun version>).
import { $ } from "bun";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The release assets are `blue-<target>`; Bun's compile target is `bun-<target>` (the release contract). */
export const RELEASE_TARGETS = ["linux-x64", "linux-arm64", "linux-x64-musl", "linux-arm64-musl", "darwin-x64", "darwin-arm64"] as const;
export type ReleaseTarget = (typeof RELEASE_TARGETS)[number];

/** What `blue version --json` shows; baked in with --define BLUE_BUILD=… (src/system/build-info.ts reads it). */
export type BuildMeta = { version: string; commit: string; built_at: string; target: string };

/** The target this machine is, in the release's names: a glibc Linux has a glibc version in its process report. */
export function hostTarget(): string {
  const musl = process.platform === "linux" && !(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
  return `${process.platform}-${process.arch}${musl ? "-musl" : ""}`;
}

export async function buildMeta(root: string, target: string, env: Record<string, string | undefined> = process.env): Promise<BuildMeta> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const rev = await $`git rev-parse --short HEAD`.cwd(root).nothrow().quiet();
  const commit = rev.exitCode === 0 ? rev.stdout.toString().trim() : "unknown";
  // SOURCE_DATE_EPOCH (reproducible-builds.org) makes two builds of one commit byte-identical.
  const epoch = env.SOURCE_DATE_EPOCH;
  const when = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return { version: pkg.version, commit, built_at: when.toISOString().replace(/\.\d{3}Z$/, "Z"), target };
}

export async function compile(root: string, outfile: string, meta: BuildMeta, crossTarget?: string): Promise<void> {
  const flags = [
    "--compile",
    "--bytecode",
    "--format=esm",
    // Each lazily imported command becomes its own chunk, loaded when it runs: without it every start-up paid
    // ~28 ms to load the whole bundle, so `blue --version` took 1.8× a compiled hello-world.
    "--splitting",
    "--minify",
    // Start-up code runs once: the JIT's tier-up thresholds start 100x higher, and the work that pays for it asks
    // for the normal policy (src/system/jit.ts). ~10% of a write command's time here (bench/README.md).
    "--compile-jit-policy=100",
    "--sourcemap=none",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--define=BLUE_BUILD=${JSON.stringify(meta)}`,
    ...(crossTarget ? [`--target=bun-${crossTarget}`] : []),
  ];
  // validate-worker.ts and svg-worker.ts (the dashboard's graph layout) are more entry points: worker threads
  // load them from inside the executable.
  const result = await $`bun build ${flags} src/cli.ts src/check/validate-worker.ts src/dashboard/svg-worker.ts --outfile ${outfile}`.cwd(root).nothrow().quiet();
  const output = result.stdout.toString() + result.stderr.toString();
  // bun prints this yet exits 0, and the binary then dies at start-up: treat it as the failure it is.
  if (result.exitCode !== 0 || /Failed to generate bytecode/i.test(output)) {
    process.stderr.write(output);
    throw new Error(`build of ${outfile} failed`);
  }
}

export const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Build `targets` into `outdir` (emptied first, so no stale asset is published): `blue-<target>` each,
 *  `SHA256SUMS` in sha256sum's format, and `VERSION`. Returns the asset names and their checksums. */
export async function buildRelease(opts: { root: string; outdir: string; targets: readonly string[]; log?: (line: string) => void }): Promise<{ version: string; sums: Map<string, string> }> {
  const outdir = resolve(opts.root, opts.outdir);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const sums = new Map<string, string>();
  let version = "";
  for (const t of opts.targets) {
    if (!(RELEASE_TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target ${t} (one of ${RELEASE_TARGETS.join(", ")})`);
    const meta = await buildMeta(opts.root, t);
    version = meta.version;
    const asset = `blue-${t}`;
    await compile(opts.root, join(outdir, asset), meta, t);
    sums.set(asset, sha256File(join(outdir, asset)));
    opts.log?.(`built ${join(opts.outdir, asset)} (${sums.get(asset)!.slice(0, 12)}…)`);
  }
  writeFileSync(join(outdir, "SHA256SUMS"), [...sums].map(([asset, sum]) => `${sum}  ${asset}\n`).join(""));
  writeFileSync(join(outdir, "VERSION"), `${version}\n`);
  return { version, sums };
}

if (import.meta.main) {
  const root = import.meta.dir;
  const args = process.argv.slice(2);
  if (args.includes("--release")) {
    const only = args.find((a) => a.startsWith("--targets="))?.slice("--targets=".length);
    const targets = only ? only.split(",").filter(Boolean) : RELEASE_TARGETS;
    const { version } = await buildRelease({ root, outdir: "dist/release", targets, log: console.log });
    console.log(`wrote dist/release/SHA256SUMS and VERSION (${version})`);
  } else {
    await compile(root, "dist/blue", await buildMeta(root, hostTarget()));
    console.log("built dist/blue");
  }
}
