// What a build says it is: `blue --version`, `--version --verbose` and `blue version --json` (issue 22), from the
// metadata build.ts bakes in.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { buildMeta, hostTarget } from "../../build.ts";
import { BuildInfo } from "../../src/system/build-info.ts";
import { packageVersion } from "../../scripts/release-server.ts";
import { Sandbox } from "./sandbox.ts";

const ROOT = resolve(import.meta.dir, "../..");
const sb = new Sandbox();
const VERSION = packageVersion();
const commit = () => spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();

describe("blue version", () => {
  test("--version and version: one line", () => {
    for (const args of [["--version"], ["-v"], ["version"]]) {
      const r = sb.blue(sb.root, ...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`blue ${VERSION}\n`);
    }
  });

  test("--version --verbose: version, commit, build date, Bun, target", () => {
    for (const args of [["--version", "--verbose"], ["version", "--verbose"]]) {
      const r = sb.blue(sb.root, ...args);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`blue ${VERSION}`);
      expect(lines[1]).toBe(`commit:  ${commit()}`);
      expect(lines[2]).toMatch(/^built: {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(lines[3]).toBe(`bun:     ${Bun.version}`);
      expect(lines[4]).toBe(`target:  ${hostTarget()}`);
      expect(lines).toHaveLength(5);
    }
  });

  test("version --json: one document, the same facts", () => {
    const r = sb.blue(sb.root, "version", "--json");
    expect(r.code).toBe(0);
    const doc = BuildInfo.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ version: VERSION, commit: commit(), bun: Bun.version, target: hostTarget() });
    expect(Date.parse(doc.built_at!)).toBeGreaterThan(Date.parse("2026-01-01T00:00:00Z"));
  });

  test("an unknown flag is a usage error", () => {
    const r = sb.blue(sb.root, "--version", "--verbos");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--verbos");
  });
});

describe("build.ts's metadata", () => {
  test("the build date from SOURCE_DATE_EPOCH when set (a reproducible build), the commit of the checkout", async () => {
    const meta = await buildMeta(ROOT, "linux-arm64-musl", { SOURCE_DATE_EPOCH: "1796040000" });
    expect(meta).toEqual({ version: VERSION, commit: commit(), built_at: "2026-11-30T12:00:00Z", target: "linux-arm64-musl" });
  });
});
