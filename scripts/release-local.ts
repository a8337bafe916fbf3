// `bun run release:local`: the release chain short of the upload (issue 22), on this machine.
//   1. build.ts --release: every target into dist/release/ with SHA256SUMS and VERSION;
//   2. every asset's checksum verified; every target this machine can run asked `blue version --json` (its
//      version and target must be the release's); the others (arm64, darwin, musl under glibc) say why not;
//   3. the next patch version built for this machine (a copy of the checkout with its version raised);
//   4. both served from a local HTTP server laid out as the forges do (`/vX.Y.Z/…`, `/latest/…` = the next);
//   5. in a temp HOME: install.sh installs this version from it, a daemon is started, `blue upgrade --check`
//      sees the next, `blue upgrade` installs it, and the daemon is the next version's.
//   bun run release:local [--targets=linux-x64,linux-x64-musl] [--outdir=dist/release]
// `bun run test` runs the same chain for this machine's target only (tests/release-local.test.ts).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildRelease, hostTarget, RELEASE_TARGETS } from "../build.ts";
import { buildOtherVersion, nextVersion, ROOT, runnableHere, serveReleases, targetOfBinary, verifySums } from "./release-server.ts";

export type TargetResult = { target: string; checksum: boolean; header: string | undefined; ran: string };
export type ChainResult = { version: string; next: string; targets: TargetResult[]; steps: string[] };

type Run = { code: number; stdout: string; stderr: string };

/** Async on purpose: the release server answers on this process's event loop. */
async function run(argv: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const p = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr || r.stdout}`);
  return r;
}

export async function releaseChain(opts: { targets: readonly string[]; outdir: string; log: (line: string) => void }): Promise<ChainResult> {
  const { log } = opts;
  const outdir = resolve(ROOT, opts.outdir);
  const t0 = performance.now();
  const { version } = await buildRelease({ root: ROOT, outdir, targets: opts.targets, log });
  log(`built ${opts.targets.length} target(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const sums = new Map(verifySums(outdir));
  const targets: TargetResult[] = [];
  for (const t of opts.targets) {
    const header = targetOfBinary(join(outdir, `blue-${t}`));
    if (header !== t) throw new Error(`blue-${t} is built for ${header ?? "something else"}, by its header`);
    const can = runnableHere(t);
    let ran = can.ok ? "" : `not runnable here: ${can.why}`;
    if (can.ok) {
      const r = must(await run([join(outdir, `blue-${t}`), "version", "--json"], { ...process.env } as Record<string, string>, outdir), `blue-${t} version --json`);
      const info = JSON.parse(r.stdout) as { version: string; target: string };
      if (info.version !== version || info.target !== t) throw new Error(`blue-${t} says version ${info.version}, target ${info.target}`);
      ran = `ran: blue ${info.version} (${info.target})`;
    }
    targets.push({ target: t, checksum: sums.get(`blue-${t}`) === true, header, ran });
    log(`${`blue-${t}`.padEnd(22)} checksum ${sums.get(`blue-${t}`) ? "ok" : "MISMATCH"}; header ${header}; ${ran}`);
  }
  if (targets.some((t) => !t.checksum)) throw new Error("a checksum in SHA256SUMS does not match its asset");

  const host = hostTarget();
  if (!opts.targets.includes(host) || !runnableHere(host).ok) {
    log(`this machine's target (${host}) was not built: install.sh and blue upgrade not tried`);
    return { version, next: "", targets, steps: [] };
  }
  const work = mkdtempSync(join(tmpdir(), "blue-release-local-"));
  const next = nextVersion();
  const steps: string[] = [];
  let env: Record<string, string> = {};
  let bin = "";
  try {
    log(`building ${next} for ${host} (the release that blue upgrade finds)`);
    const t1 = performance.now();
    await buildOtherVersion({ version: next, targets: [host], outdir: join(work, "next") });
    log(`built ${next} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const server = serveReleases({ [version]: outdir, [next]: join(work, "next") }, next);
    try {
      log(`serving v${version} and v${next} (latest) at ${server.url}`);
      for (const d of ["home", "blue-home", "run", "bin", "tmp"]) mkdirSync(join(work, d));
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BLUE_") && !k.startsWith("GIT_")) env[k] = v;
      env = {
        ...env,
        HOME: join(work, "home"),
        BLUE_HOME: join(work, "blue-home"),
        XDG_RUNTIME_DIR: join(work, "run"),
        BLUE_DAEMON_PORT: "0",
        TMPDIR: join(work, "tmp"),
        BLUE_INSTALL_DIR: join(work, "bin"),
        BLUE_DOWNLOAD_URL: server.url,
        // Local builds have no GitHub attestation to verify.
        BLUE_SKIP_ATTESTATION: "1",
      };
      bin = join(work, "bin", "blue");
      let last = performance.now();
      const step = (text: string) => {
        const ms = Math.round(performance.now() - last);
        last = performance.now();
        steps.push(text);
        log(`✓ ${text} (${ms} ms)`);
      };

      must(await run([join(ROOT, "install.sh"), "--version", version], env, env.HOME!), "install.sh");
      const installed = must(await run([bin, "--version"], env, env.HOME!), "blue --version").stdout.trim();
      if (installed !== `blue ${version}`) throw new Error(`install.sh installed '${installed}', not blue ${version}`);
      const receipt = join(work, "bin", ".blue-install");
      if (!existsSync(receipt)) throw new Error(`install.sh wrote no receipt (${receipt}): blue upgrade refuses without one`);
      step(`install.sh installed blue ${version} with its receipt`);

      must(await run([bin, "daemon", "start"], env, env.HOME!), "blue daemon start");
      step(`daemon of blue ${version} started`);

      const check = must(await run([bin, "upgrade", "--check"], env, env.HOME!), "blue upgrade --check");
      if (!check.stdout.includes(`blue ${next} is available`)) throw new Error(`blue upgrade --check said: ${check.stdout}`);
      step(`blue upgrade --check: ${check.stdout.trim()}`);

      const up = must(await run([bin, "upgrade"], env, env.HOME!), "blue upgrade");
      const now = must(await run([bin, "--version"], env, env.HOME!), "blue --version").stdout.trim();
      if (now !== `blue ${next}`) throw new Error(`after blue upgrade, blue --version says '${now}'`);
      if (!readFileSync(receipt, "utf8").includes(`version=${next}\n`)) throw new Error("blue upgrade did not rewrite the receipt");
      step(`blue upgrade: ${up.stdout.trim().split("\n").join("; ")}`);

      const status = JSON.parse(must(await run([bin, "daemon", "status", "--json"], env, env.HOME!), "blue daemon status").stdout) as { running: boolean; version?: string };
      if (!status.running || status.version !== next) throw new Error(`after blue upgrade the daemon is ${JSON.stringify(status)}`);
      step(`daemon now runs blue ${next}`);
    } finally {
      server.stop();
    }
  } finally {
    if (bin && existsSync(bin)) await run([bin, "daemon", "stop"], env, env.HOME ?? work);
    rmSync(work, { recursive: true, force: true });
  }
  return { version, next, targets, steps };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const targets = arg("targets")?.split(",").filter(Boolean) ?? [...RELEASE_TARGETS];
  const started = performance.now();
  try {
    await releaseChain({ targets, outdir: arg("outdir") ?? "dist/release", log: console.log });
    console.log(`release:local passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`release:local failed: ${(e as Error).message}`);
    process.exit(1);
  }
}
