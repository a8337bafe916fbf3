// `blue realm sync` on the plain-git forge, through the compiled binary: the RFC's Daily Development and
// Consumer Response as written, merge policy (acknowledgement, grace period, approval), ownership, concurrent
// syncs, a failed push, and two machines sharing one realm remote.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SyncReport } from "../../src/sync/run.ts";
import { StatusDoc } from "../../src/realm/view.ts";
import { breakReadSchema, dailyDevelopment, editRealmFile, publishSchema, VALUE } from "./daily.ts";
import { BIN, Sandbox, stackTrace } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

function world(sb?: Sandbox) {
  const w = dailyDevelopment(sb);
  sandboxes.push(w.sb);
  const remote = w.sb.defaultRemote("letemcook");
  const onMain = (rel: string) => parse(w.sb.git(w.sb.root, "-C", remote, "show", `main:${rel}`)) as Record<string, any>;
  const branches = () => w.sb.git(w.sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
  return { ...w, remote, onMain, branches };
}

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
const FUNGAL_BINDING = "domains/s3-access/bindings/fungal-image-analysis.yaml";
const NEW_PATH = "training-metrics/experiments/*";

describe("Daily Development and Consumer Response", () => {
  const { sb, aperture, fungal, writeCode, onMain, branches, clone } = world();

  test("status shows the change, sync --dry-run prints the whole plan and writes nothing", () => {
    // status first: it starts this machine's daemon, which sync then notifies at once.
    expect(sb.blue(fungal, "realm", "status").code).toBe(0);
    writeCode({ ...VALUE, write: [...VALUE.write, NEW_PATH] });
    expect(sb.blue(aperture, "realm", "status").stdout).toContain(`s3-permissions has local changes:\n    /write: + ${NEW_PATH}`);
    const head = sb.git(clone, "rev-parse", "HEAD");
    const r = sb.blue(aperture, "realm", "sync", "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Would create sync branch: sync\/aperture\/\d{8}-\d{6}$/m);
    expect(r.stdout).toContain(`Contract update: s3-permissions 1.4.0 → 1.5.0 (compatible)\n  /write: + ${NEW_PATH}\n`);
    expect(r.stdout).toContain(`  files: ${CONTRACT}\n  PR: "aperture: s3-permissions 1.5.0" [compatible], reviewers: test@example.com\n  would notify: fungal-image-analysis\n`);
    const doc = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout));
    expect(doc.dry_run).toBe(true);
    expect(doc.branches.map((b) => [b.updates.map((u) => [u.contract, u.from, u.to, u.bump]), b.pushed])).toEqual([[[["s3-permissions", "1.4.0", "1.5.0", "minor"]], false]]);
    expect(branches()).toEqual([]);
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(head);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
  });

  test("sync pushes a sync branch with the new version, notifies the importer and waits for it", () => {
    const r = sb.blue(aperture, "realm", "sync");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Contract update: s3-permissions 1.4.0 → 1.5.0 (compatible)");
    expect(r.stdout).toMatch(/✓ Pushed sync\/aperture\/\d{8}-\d{6}: "aperture: s3-permissions 1.5.0"/);
    expect(r.stdout).toContain("✓ fungal-image-analysis notified");
    expect(r.stdout).toMatch(/waits for: fungal-image-analysis to acknowledge s3-permissions 1\.5\.0 \(or the grace period, until \d{4}-\d{2}-\d{2}\)/);
    const [branch] = branches();
    expect(branch).toMatch(/^sync\/aperture\//);
    const proposed = parse(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "show", `${branch}:${CONTRACT}`));
    expect(proposed.version).toBe("1.5.0");
    expect(proposed.value.write).toEqual([...VALUE.write, NEW_PATH]);
    expect(proposed.evolution.at(-1)).toMatchObject({ version: "1.5.0", compatible: true, changes: [`/write: + ${NEW_PATH}`] });
    expect(onMain(CONTRACT).version).toBe("1.4.0");
    // Already proposed: a second sync changes nothing.
    const again = sb.blue(aperture, "realm", "sync");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already proposed: s3-permissions 1.5.0 (${branch})`);
    expect(branches()).toEqual([branch!]);
    // The provider sees what its PR waits for.
    const status = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout));
    expect(status.syncs).toEqual([{ branch: branch!, repo: "aperture", pr: branch!, due: false, waiting_for: [expect.stringContaining("fungal-image-analysis to acknowledge s3-permissions 1.5.0")] }]);
  });

  test("the consumer sees the notification, acknowledges by syncing, and both branches merge", () => {
    const s = sb.blue(fungal, "realm", "status");
    expect(s.stdout).toContain("  Notification from aperture (just now):\n    Contract 's3-permissions' updated to 1.5.0\n    /write: + training-metrics/experiments/*\n    Your import (>=1.0.0 <2.0.0) is still satisfied: run 'blue realm sync' to acknowledge 1.5.0\n");
    const r = sb.blue(fungal, "realm", "sync");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Binding updated:\n  s3-permissions: resolved_version (none) → 1.5.0\n");
    expect(r.stdout).toMatch(/✓ Merged sync\/aperture\/\S+ \(acknowledged\)/);
    expect(r.stdout).toMatch(/✓ Merged sync\/fungal-image-analysis\/\S+ \(base merged\)/);
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    const imp = onMain(FUNGAL_BINDING).imports[0];
    expect(imp).toMatchObject({ contract: "s3-permissions", resolved_version: "1.5.0", status: "current" });
    expect(branches()).toEqual([]);
    expect(sb.blue(fungal, "realm", "check", "--mode=importer").code).toBe(0);
  });

  test("already in sync: says so, exit 0, no branch", () => {
    for (const repo of [aperture, fungal]) {
      const r = sb.blue(repo, "realm", "sync");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("is in sync with the realm");
    }
    expect(branches()).toEqual([]);
  });
});

describe("the committed evolution says where each change is", () => {
  test("the first sync from domain create's empty value: each path under its key, an empty list as []", () => {
    const { sb, aperture, clone, branches } = world();
    // Back to the skeleton `domain create` wrote (an empty value), as published.
    editRealmFile(clone, CONTRACT, (d) => {
      d.set("version", "1.0.0");
      d.set("value", {});
    });
    sb.git(clone, "commit", "-qam", "s3-permissions as created");
    sb.git(clone, "push", "-q", "origin", "main");
    const r = sb.blue(aperture, "realm", "sync");
    expect(r.code).toBe(0);
    const changes = ["/delete: + []", "/read: + jobs/*/masks/*", "/read: + training-runs/*", "/write: + training-metrics/*"];
    expect(r.stdout).toContain(`Contract update: s3-permissions 1.0.0 → 1.1.0 (compatible)\n${changes.map((c) => `  ${c}\n`).join("")}`);
    const [branch] = branches();
    const proposed = parse(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "show", `${branch}:${CONTRACT}`));
    expect(proposed.evolution.at(-1)).toMatchObject({ version: "1.1.0", changes });
  });
});

describe("merge policy", () => {
  test("a compatible change merges after the grace period without an acknowledgement", () => {
    const { sb, aperture, writeCode, onMain, branches } = world();
    writeCode({ ...VALUE, read: [...VALUE.read, "extra/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(branches()).toHaveLength(1);
    const later = (days: number) => ({ BLUE_NOW: new Date(Date.now() + days * 86_400_000).toISOString() });
    const early = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "sync"], aperture, later(13));
    expect(early.stdout).toContain("waits for: fungal-image-analysis to acknowledge");
    expect(onMain(CONTRACT).version).toBe("1.4.0");
    const r = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "sync"], aperture, later(15));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Merged sync\/aperture\/\S+ \(grace period\)/);
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    expect(branches()).toEqual([]);
  });

  test("a breaking change needs the importer's acknowledgement and a realm approver's approval", () => {
    const w = world();
    const { sb, aperture, fungal, clone, onMain, branches } = w;
    // fungal's range admits 2.x, so it can acknowledge a major version.
    editRealmFile(clone, FUNGAL_BINDING, (d) => d.setIn(["imports", 0, "version"], ">=1.0.0"));
    sb.git(clone, "commit", "-qam", "fungal accepts 2.x");
    sb.git(clone, "push", "-q", "origin", "main");
    publishSchema(w);
    const first = sb.blue(aperture, "realm", "sync");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("s3-permissions 1.4.0 → 1.5.0 (compatible)");
    expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    expect(onMain(CONTRACT).version).toBe("1.5.0");

    // `read` may no longer hold strings: breaking for backwards-compatible importers.
    breakReadSchema(w);
    const r = sb.blue(aperture, "realm", "sync", "--json");
    expect(r.code).toBe(0);
    const doc = SyncReport.parse(JSON.parse(r.stdout));
    const u = doc.branches[0]!.updates[0]!;
    expect([u.from, u.to, u.bump, u.compatible]).toEqual(["1.5.0", "2.0.0", "major", false]);
    expect(doc.branches[0]!.pr.labels).toEqual(["breaking"]);
    const branch = doc.branches[0]!.branch;

    const ack = sb.blue(fungal, "realm", "sync");
    expect(ack.stdout).toContain("s3-permissions: resolved_version 1.5.0 → 2.0.0");
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    // The acknowledgement is built on the provider's branch and waits for it.
    expect(branches()).toHaveLength(2);
    const fungalView = StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout)).syncs;
    expect(fungalView.find((s) => s.repo === "fungal-image-analysis")?.waiting_for).toEqual([`${branch} to merge first`]);
    const waiting = StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout)).syncs;
    expect(waiting.find((s) => s.branch === branch)?.waiting_for).toEqual(["an approval of the breaking change to s3-permissions by a realm approver (test@example.com)"]);

    const mallory = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.email", GIT_CONFIG_VALUE_0: "mallory@example.com" };
    const refused = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "approve", branch], aperture, mallory);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`mallory@example.com is not a realm approver for ${branch}`);
    expect(stackTrace(refused)).toBe(false);

    const approved = sb.blue(aperture, "realm", "approve", branch);
    expect(approved.stderr).toBe("");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`✓ Approved ${branch} as test@example.com`);
    expect(approved.stdout).toContain(`✓ Merged ${branch} (approved)`);
    expect(onMain(CONTRACT).version).toBe("2.0.0");
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe("2.0.0");
    expect(branches()).toEqual([]);
  });
});

describe("conflicts and failures", () => {
  test("a repo that changes a contract it does not own is refused, with the owner named", () => {
    const { sb, fungal, clone, branches } = world();
    editRealmFile(clone, CONTRACT, (d) => d.set("value", { read: ["everything/*"], write: [], delete: [] }));
    const r = sb.blue(fungal, "realm", "sync");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("contract 's3-permissions' is owned by 'aperture': fungal-image-analysis cannot change it");
    expect(stackTrace(r)).toBe(false);
    expect(branches()).toEqual([]);
  });

  test("a sync branch that no longer merges is named with its files, and its repo's next sync rebuilds it", () => {
    const { sb, aperture, fungal, remote, writeCode, onMain, branches } = world();
    writeCode({ ...VALUE, write: [...VALUE.write, NEW_PATH] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    const [branch] = branches();
    // A teammate changes the contract's version line on main by hand: the open branch now conflicts.
    const other = sb.path("teammate");
    sb.git(sb.root, "clone", "-q", remote, other);
    editRealmFile(other, CONTRACT, (d) => d.set("version", "1.4.1"));
    sb.git(other, "commit", "-qam", "hand edit");
    sb.git(other, "push", "-q", "origin", "main");

    const ack = sb.blue(fungal, "realm", "sync");
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain(`✗ ${branch} conflicts with the realm's main in ${CONTRACT}: sync again in aperture to rebuild it`);
    expect(onMain(CONTRACT).version).toBe("1.4.1");

    const r = sb.blue(aperture, "realm", "sync");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Rebuilding sync branch: ${branch} from main (it conflicted with main)`);
    expect(r.stdout).toContain("Contract update: s3-permissions 1.4.1 → 1.5.0 (compatible)");
    // fungal acknowledged the old branch: that no longer counts, and its branch goes.
    expect(r.stdout).toMatch(/✓ Removed sync\/fungal-image-analysis\/\S+: the branch it acknowledged was rebuilt/);
    expect(r.stdout).toContain(`${branch} waits for: fungal-image-analysis to acknowledge s3-permissions 1.5.0`);
    expect(branches()).toEqual([branch!]);

    expect(sb.blue(fungal, "realm", "sync").stdout).toContain(`✓ Merged ${branch} (acknowledged)`);
    expect(onMain(CONTRACT)).toMatchObject({ version: "1.5.0" });
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe("1.5.0");
    expect(branches()).toEqual([]);
  });

  test("a push the realm rejects leaves the clone as it was", () => {
    const { sb, aperture, clone, remote, writeCode, branches } = world();
    const hook = join(remote, "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho 'denied by policy' >&2\nexit 1\n");
    chmodSync(hook, 0o755);
    writeCode({ ...VALUE, read: [...VALUE.read, "x/*"] });
    const state = () => [sb.git(clone, "rev-parse", "HEAD"), sb.git(clone, "status", "--porcelain"), sb.git(clone, "branch", "--list"), sb.git(clone, "worktree", "list").split("\n").length];
    const before = state();
    const r = sb.blue(aperture, "realm", "sync");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pushing sync/aperture/");
    expect(stackTrace(r)).toBe(false);
    expect(state()).toEqual(before);
    expect(branches()).toEqual([]);
  });

  test("two repos syncing at the same moment from two machines both land", async () => {
    const a = world();
    const { sb, aperture, clone, remote, onMain } = a;
    // A third repo exports its own contract; nobody imports either contract, so each sync merges at once.
    const gamma = sb.repo("gamma");
    expect(sb.blue(gamma, "realm", "admin", "join", "letemcook").code).toBe(0);
    expect(sb.blue(gamma, "realm", "admin", "domain", "create", "metrics", "--repos", "gamma,fungal-image-analysis", "--contract", "metrics-schema").code).toBe(0);
    editRealmFile(clone, "domains/metrics/bindings/gamma.yaml", (d) => d.setIn(["exports", 0, "extract"], { file: "metrics.json", pointer: "" }));
    editRealmFile(clone, "domains/metrics/bindings/fungal-image-analysis.yaml", (d) => d.set("imports", []));
    editRealmFile(clone, FUNGAL_BINDING, (d) => d.set("imports", []));
    sb.git(clone, "commit", "-qam", "gamma exports metrics-schema; nobody imports");
    sb.git(clone, "push", "-q", "origin", "main");
    expect(sb.blue(gamma, "realm", "check", "--mode=contract").code).toBe(0);
    writeFileSync(join(gamma, "metrics.json"), JSON.stringify({ fields: ["loss"] }));
    a.writeCode({ ...VALUE, read: [...VALUE.read, "y/*"] });
    const machineB = new Sandbox("machine-b");
    sandboxes.push(machineB);
    const [ra, rb] = await Promise.all([sb.blueAsync(aperture, ["realm", "sync"]), machineB.blueAsync(gamma, ["realm", "sync"])]);
    expect([ra.code, ra.stderr]).toEqual([0, ""]);
    expect([rb.code, rb.stderr]).toEqual([0, ""]);
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    expect(onMain("domains/metrics/contracts/metrics-schema.yaml").version).toBe("1.1.0");
    expect(sb.git(sb.root, "-C", remote, "for-each-ref", "refs/heads/sync/")).toBe("");
  });
});

describe("two machines, one realm remote", () => {
  test("machine B's daemon sees A's sync after it fetches the realm, with no daemon-to-daemon traffic", () => {
    const { sb, aperture, fungal, writeCode } = world();
    const machineB = new Sandbox("machine-b");
    sandboxes.push(machineB);
    expect(machineB.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    writeCode({ ...VALUE, write: [...VALUE.write, NEW_PATH] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    // Before B fetches, it knows nothing; --refresh makes its daemon fetch now.
    expect(machineB.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    const r = machineB.blue(fungal, "realm", "status", "--refresh");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  Notification from aperture (just now):\n    Contract 's3-permissions' updated to 1.5.0\n");
    expect(r.stdout).toMatch(/Sync sync\/aperture\/\S+ waits for: fungal-image-analysis to acknowledge s3-permissions 1\.5\.0/);
    // B acknowledges; A's next sync sees the branch merged.
    expect(machineB.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    expect(sb.blue(aperture, "realm", "sync").stdout).toContain("is in sync with the realm");
    mkdirSync(join(sb.root, "unused"), { recursive: true });
    expect(readFileSync(join(sb.realmClone("letemcook"), CONTRACT), "utf8")).toContain("version: 1.5.0");
  });
});

describe("sync without a git identity", () => {
  test("exit 78 with the one-line fix, nothing pushed, no internal error", () => {
    const { sb, aperture, writeCode, branches } = world();
    writeCode({ ...VALUE, write: [...VALUE.write, NEW_PATH] });
    // No name or email, and git told not to guess one from the host.
    writeFileSync(sb.env.GIT_CONFIG_GLOBAL!, "[init]\n\tdefaultBranch = main\n[user]\n\tuseConfigOnly = true\n");
    const r = sb.exec(BIN, ["realm", "sync"], aperture, { GIT_AUTHOR_NAME: "", GIT_AUTHOR_EMAIL: "", GIT_COMMITTER_NAME: "", GIT_COMMITTER_EMAIL: "", EMAIL: "" });
    expect(r.code).toBe(78);
    expect(r.stderr.split("\n")[0]).toBe("error: git does not know who you are, so blue cannot commit to the realm");
    expect(r.stderr).not.toContain("internal error");
    expect(stackTrace(r)).toBe(false);
    expect(branches()).toEqual([]);
  });
});
