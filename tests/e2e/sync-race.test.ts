// Syncs racing each other from two machines (issue 18, item 4): the ENOENT in .git/blue-sync-*/…/bindings/….yaml
// at its cause (an acknowledgement built on a provider's sync branch that forked from a main without the
// importer's binding), and a stress run: 20 rounds of two homes syncing at once, each publishing a change.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { rng } from "../seeded.ts";
import { dailyDevelopment, editRealmFile, VALUE } from "./daily.ts";
import { BIN, Sandbox, stackTrace, type Run } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const S3 = "domains/s3-access/contracts/s3-permissions.yaml";
const FUNGAL_BINDING = "domains/s3-access/bindings/fungal-image-analysis.yaml";

function world() {
  const w = dailyDevelopment();
  sandboxes.push(w.sb);
  const remote = w.sb.defaultRemote("letemcook");
  const onMain = (rel: string) => parse(w.sb.git(w.sb.root, "-C", remote, "show", `main:${rel}`)) as Record<string, any>;
  const branches = () => w.sb.git(w.sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
  const push = (message: string) => {
    w.sb.git(w.clone, "add", "-A");
    w.sb.git(w.clone, "commit", "-qm", message);
    w.sb.git(w.clone, "push", "-q", "origin", "main");
  };
  return { ...w, remote, onMain, branches, push };
}

const clean = (r: Run) => !/internal error/.test(r.stderr) && !stackTrace(r);

describe("an acknowledgement on a provider's branch older than the importer's binding", () => {
  test("the branch takes main's binding (no ENOENT), and provider, acknowledgements and binding all land", () => {
    const { sb, aperture, fungal, clone, writeCode, onMain, branches, push } = world();
    const gamma = sb.repo("gamma");
    expect(sb.blue(gamma, "realm", "admin", "join", "letemcook").code).toBe(0);
    sb.git(clone, "pull", "-q");
    // gamma imports s3-permissions; fungal's binding is not in the realm while aperture's branch forks.
    const fungalBinding = readFileSync(join(clone, FUNGAL_BINDING), "utf8");
    writeFileSync(join(clone, "domains/s3-access/bindings/gamma.yaml"), fungalBinding.replaceAll("fungal-image-analysis", "gamma"));
    unlinkSync(join(clone, FUNGAL_BINDING));
    editRealmFile(clone, "domains/s3-access/domain.yaml", (d) => d.set("members", ["aperture", "gamma"]));
    push("gamma imports s3-permissions; fungal is not in s3-access");
    writeCode({ ...VALUE, read: [...VALUE.read, "x/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const [provider] = branches();
    // Now fungal joins the domain on main, after aperture's branch forked.
    sb.git(clone, "pull", "-q");
    writeFileSync(join(clone, FUNGAL_BINDING), fungalBinding);
    editRealmFile(clone, "domains/s3-access/domain.yaml", (d) => d.set("members", ["aperture", "gamma", "fungal-image-analysis"]));
    push("fungal imports s3-permissions");

    const f = sb.blue(fungal, "realm", "sync");
    expect(clean(f)).toBe(true);
    expect([f.code, f.stderr]).toEqual([0, ""]);
    expect(f.stdout).toContain(`(on ${provider})`);
    expect(f.stdout).toContain(`waits for: ${provider} to merge first`);
    const g = sb.blue(gamma, "realm", "sync");
    expect([g.code, g.stderr]).toEqual([0, ""]);
    expect(g.stdout).toContain(`Merged ${provider} (acknowledged)`);
    expect(branches()).toEqual([]);
    expect(onMain(S3).version).toBe("1.5.0");
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe("1.5.0");
    expect(onMain("domains/s3-access/bindings/gamma.yaml").imports[0].resolved_version).toBe("1.5.0");
  }, 120_000);
});

describe("two machines pushing the same sync branch", () => {
  test("the push that loses the race is planned again on top of the winner's, not failed", () => {
    const { sb, aperture, writeCode, branches, remote } = world();
    // aperture's open branch waits for fungal; a teammate's clone of aperture syncs from another machine.
    writeCode({ ...VALUE, read: [...VALUE.read, "v1/*"] });
    sb.git(aperture, "add", "-A");
    sb.git(aperture, "commit", "-qm", "blue");
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const open = branches()[0]!;
    const teammate = sb.path("aperture-teammate");
    sb.git(sb.root, "clone", "-q", aperture, teammate);
    writeFileSync(join(teammate, "config/s3.json"), JSON.stringify({ permissions: { ...VALUE, read: [...VALUE.read, "v3/*"] } }));
    const machineB = new Sandbox("machine-b");
    sandboxes.push(machineB);
    // Just before this machine's push, the teammate's sync pushes the same branch (once).
    const mark = sb.path("teammate-pushed");
    const env = Object.entries(machineB.env).map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`).join(" ");
    writeFileSync(
      join(sb.realmClone("letemcook"), ".git/hooks/pre-push"),
      `#!/bin/sh\n[ -e '${mark}' ] && exit 0\ntouch '${mark}'\ncd '${teammate}' && env -i ${env} '${BIN}' realm sync >'${mark}' 2>&1\nexit 0\n`,
      { mode: 0o755 },
    );
    writeCode({ ...VALUE, read: [...VALUE.read, "v2/*"] });
    const r = sb.blue(aperture, "realm", "sync");
    expect(readFileSync(mark, "utf8")).toContain(`Updating sync branch: ${open}`);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain(`Updating sync branch: ${open}`);
    expect(branches()).toEqual([open]);
    const onBranch = parse(sb.git(sb.root, "-C", remote, "show", `${open}:${S3}`)) as { value: { read: string[] } };
    expect(onBranch.value.read).toEqual([...VALUE.read, "v2/*"]);
    // The teammate's commit is in the branch's history, under this machine's.
    expect(sb.git(sb.root, "-C", remote, "log", "--format=%s", open).split("\n").filter((l) => l.startsWith("aperture:"))).toHaveLength(3);
  }, 120_000);
});

describe("a home's first use of a realm, twice at once", () => {
  test("two commands that both clone the realm: both succeed, one clone stays", async () => {
    const { sb, fungal } = world();
    for (let round = 0; round < 4; round++) {
      const fresh = new Sandbox(`fresh-${round}`);
      sandboxes.push(fresh);
      const runs = await Promise.all([fresh.blueAsync(fungal, ["realm", "sync", "--dry-run"]), fresh.blueAsync(fungal, ["realm", "sync", "--dry-run"])]);
      for (const r of runs) expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(fresh.git(fresh.realmClone("letemcook"), "rev-parse", "HEAD")).toBe(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "rev-parse", "main"));
    }
  }, 120_000);
});

describe("two homes syncing at once", () => {
  test("20 rounds, each home publishing a different change: no internal error, and every change lands", async () => {
    const { sb, aperture, fungal, clone, writeCode, onMain, branches, push } = world();
    // fungal imports aperture's s3-permissions and exports metrics-schema (gamma imports nothing of it, so
    // fungal's changes merge at once); aperture's wait for fungal's acknowledgement, which fungal's syncs give.
    const gamma = sb.repo("gamma");
    expect(sb.blue(gamma, "realm", "admin", "join", "letemcook").code).toBe(0);
    expect(sb.blue(fungal, "realm", "admin", "domain", "create", "metrics", "--repos", "fungal-image-analysis,gamma", "--contract", "metrics-schema").code).toBe(0);
    sb.git(clone, "pull", "-q");
    editRealmFile(clone, "domains/metrics/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["exports", 0, "extract"], { file: "metrics.json", pointer: "" }));
    editRealmFile(clone, "domains/metrics/bindings/gamma.yaml", (d) => d.set("imports", []));
    push("fungal exports metrics-schema from metrics.json");
    const homeB = new Sandbox("machine-b");
    sandboxes.push(homeB);

    const random = rng(18_004);
    const reads = (n: number) => Array.from({ length: n }, (_, k) => `round-${k}/*`);
    const fields = (n: number) => Array.from({ length: n }, (_, k) => `field-${k}`);
    const failures: string[] = [];
    for (let round = 1; round <= 20; round++) {
      writeCode({ ...VALUE, read: [...VALUE.read, ...reads(round)] });
      writeFileSync(join(fungal, "metrics.json"), JSON.stringify({ fields: fields(round) }));
      // One of the two starts up to 0.8 s later, so the runs overlap at different steps.
      const delay = Math.floor(random() * 800);
      const aFirst = random() < 0.5;
      const [a, b] = await Promise.all([
        Bun.sleep(aFirst ? 0 : delay).then(() => sb.blueAsync(aperture, ["realm", "sync"])),
        Bun.sleep(aFirst ? delay : 0).then(() => homeB.blueAsync(fungal, ["realm", "sync"])),
      ]);
      for (const [who, r] of [["A", a], ["B", b]] as const) if (r.code !== 0 || !clean(r)) failures.push(`round ${round} ${who}: exit ${r.code}: ${r.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
    // fungal acknowledges aperture's last change; that merges it.
    expect(homeB.blue(fungal, "realm", "sync").code).toBe(0);
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(branches()).toEqual([]);
    expect(onMain(S3).value.read).toEqual([...VALUE.read, ...reads(20)]);
    expect(onMain("domains/metrics/contracts/metrics-schema.yaml").value).toEqual({ fields: fields(20) });
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe(onMain(S3).version);
  }, 300_000);
});
