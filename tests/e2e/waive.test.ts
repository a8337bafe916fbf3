// Scoped waivers with expiry through the compiled binary (issue 19): aperture's code makes `read` optional in
// s3-permissions (backwards breaking); `blue realm waive` records a waiver on a sync branch that needs a realm
// approver, after which sync publishes a minor version, checks pass and list the waiver, SARIF carries it as a
// suppression, and past its date (BLUE_NOW) the same check fails again and says the waiver expired.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CheckReport } from "../../src/check/findings.ts";
import { SyncReport } from "../../src/sync/run.ts";
import { WaiveReport } from "../../src/waive/run.ts";
import { realmWithHistory, SCHEMA } from "./realm-world.ts";
import { BIN, stackTrace, type Run } from "./sandbox.ts";

const { required: _, ...OPTIONAL_READ } = SCHEMA;
const WAIVERS = "domains/s3-access/waivers/s3-permissions.yaml";
const UNTIL = "2099-12-31";
const AFTER = { BLUE_NOW: "2100-01-01T00:00:00Z" };
const REASON = "fungal treats read as optional since 3.2";
const WAIVED_LINE = `s3-permissions: waived: required-removed at /required/0 until ${UNTIL} (${REASON})`;

function world() {
  const w = realmWithHistory();
  const { sb, clone, aperture } = w;
  // aperture publishes its schema from code, and its code now makes `read` optional: backwards breaking.
  writeFileSync(join(aperture, "schema.json"), JSON.stringify(OPTIONAL_READ));
  w.edit("domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "schema.json"), "aperture publishes its schema");
  sb.git(clone, "push", "-q", "origin", "main");
  const remote = sb.defaultRemote("letemcook");
  const onMain = (rel: string): Record<string, any> | undefined => {
    const r = sb.exec("git", ["-C", remote, "show", `main:${rel}`], sb.root);
    return r.code === 0 ? (parse(r.stdout) as Record<string, any>) : undefined;
  };
  const at = (cwd: string, env: Record<string, string>, ...args: string[]): Run => sb.exec(BIN, args, cwd, env);
  return { ...w, onMain, at };
}

describe("blue realm waive", () => {
  const w = world();
  const { sb, aperture, fungal, onMain, at } = w;
  const sandboxes = [sb];
  afterAll(() => {
    for (const s of sandboxes) s.shutDaemon();
  }, 60_000);
  let branch = "";

  test("without a waiver the breaking change needs a major bump", () => {
    const plan = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout));
    const u = plan.branches[0]!.updates[0]!;
    expect([u.from, u.to, u.bump, u.compatible]).toEqual(["1.4.0", "2.0.0", "major", false]);
    const r = sb.blue(aperture, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--no-cache");
    expect(r.stdout).toContain("required-removed: 'read' is no longer required");
    expect(r.stdout).toContain("Result: BREAKING (sync publishes 2.0.0, a major bump)");
    expect(r.stdout).not.toContain("waived");
  });

  test("bad input: exit 64 with one line, and nothing is pushed", () => {
    const base = ["realm", "waive", "s3-permissions", "--rule", "required-removed", "--pointer", "/required/0", "--until", UNTIL, "--reason", REASON];
    const cases: [string[], string][] = [
      [["--until", "2099-02-30"], "--until '2099-02-30' is not a date like 2026-12-31"],
      [["--until", "31.12.2099"], "--until '31.12.2099' is not a date"],
      [["--until", "2001-01-01"], "--until 2001-01-01 is already past"],
      [["--rule", "required-removd"], "unknown rule 'required-removd'"],
      [["--pointer", "required/0"], "--pointer 'required/0' is not a JSON pointer: it must start with '/'"],
    ];
    for (const [change, text] of cases) {
      const args = [...base];
      args[args.indexOf(change[0]!) + 1] = change[1]!;
      const r = sb.blue(aperture, ...args);
      expect(r.code).toBe(64);
      expect(stackTrace(r)).toBe(false);
      expect(r.stderr.split("\n")[0]).toStartWith("error: ");
      expect(r.stderr.split("\n")[0]).toContain(text);
    }
    const unknown = sb.blue(aperture, "realm", "waive", "s3-permisions", ...base.slice(3));
    expect(unknown.code).toBe(64);
    expect(unknown.stderr.split("\n")[0]).toBe("error: unknown contract 's3-permisions' in this realm. Did you mean 's3-permissions'?");
    const missing = sb.blue(aperture, "realm", "waive", "s3-permissions", "--rule", "required-removed");
    expect(missing.code).toBe(64);
    expect(missing.stderr.split("\n")[0]).toBe("error: --pointer is required");
    // Only the owner records a contract's waivers.
    const notOwner = sb.blue(fungal, ...base);
    expect(notOwner.code).toBe(1);
    expect(notOwner.stderr.split("\n")[0]).toBe("error: s3-permissions is owned by aperture; only its owner records its waivers");
    expect(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "refs/heads/sync/")).toBe("");
  });

  test("waive records the waiver on a sync branch that waits for a realm approver", () => {
    const r = sb.blue(aperture, "realm", "waive", "s3-permissions", "--rule", "required-removed", "--pointer", "/required/0", "--until", UNTIL, "--reason", REASON, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = WaiveReport.parse(JSON.parse(r.stdout));
    expect(doc.file).toBe(WAIVERS);
    expect(doc.waiver).toMatchObject({ rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: UNTIL, reason: REASON, recorded_by: "test@example.com" });
    expect(doc.branch).toMatch(/^sync\/aperture\/\d{8}-\d{6}$/);
    expect(doc.merged).toBe(false);
    expect(doc.waiting_for).toEqual(["an approval of the waiver of required-removed at /required/0 in s3-permissions by a realm approver (test@example.com)"]);
    branch = doc.branch!;
    // A second waiver of the same contract joins the open branch (two branches creating the file would conflict).
    const second = sb.blue(aperture, "realm", "waive", "s3-permissions", "--rule", "type-changed", "--pointer", "/properties/write", "--until", UNTIL, "--reason", "not needed yet", "--json");
    expect(second.code).toBe(0);
    expect(WaiveReport.parse(JSON.parse(second.stdout)).branch).toBe(branch);
    expect(sb.git(sb.root, "-C", sb.defaultRemote("letemcook"), "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/")).toBe(branch);
    // Not on main: until approved, it lets nothing through.
    expect(onMain(WAIVERS)).toBeUndefined();
    const plan = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout));
    expect(plan.branches[0]!.updates[0]!.bump).toBe("major");
    expect(plan.merges.find((m) => m.branch === branch)?.waiting_for).toEqual([
      ...doc.waiting_for,
      "an approval of the waiver of type-changed at /properties/write in s3-permissions by a realm approver (test@example.com)",
    ]);
  });

  test("someone who is not a realm approver cannot approve it; an approver can, and it merges", () => {
    const mallory = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.email", GIT_CONFIG_VALUE_0: "mallory@example.com" };
    const refused = at(aperture, mallory, "realm", "approve", branch);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`mallory@example.com is not a realm approver for ${branch}`);
    expect(onMain(WAIVERS)).toBeUndefined();
    const approved = sb.blue(aperture, "realm", "approve", branch);
    expect(approved.stderr).toBe("");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`✓ Merged ${branch} (approved)`);
    const file = onMain(WAIVERS)!;
    expect(file.contract).toBe("s3-permissions");
    expect(file.waivers).toHaveLength(2);
    expect(file.waivers[0]).toMatchObject({ rule: "required-removed", pointer: "/required/0", from: "1.4.0", until: UNTIL, reason: REASON });
  });

  test("with the waiver on main the change demands no major bump; the check passes and lists it", () => {
    const r = sb.blue(aperture, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Result: COMPATIBLE (sync publishes 1.5.0, a minor bump)");
    expect(r.stdout).toContain(`(BREAKING for this contract; waived until ${UNTIL}: ${REASON})`);
    expect(r.stdout).toContain(WAIVED_LINE);
    // Listed on every run: a second run is not a replay of a kept report that would hide an expiry.
    expect(sb.blue(aperture, "realm", "check", "--mode=compatibility", "--contract", "s3-permissions").stdout).toContain(WAIVED_LINE);
    const plan = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--dry-run", "--json").stdout));
    const u = plan.branches[0]!.updates[0]!;
    expect([u.from, u.to, u.bump, u.compatible]).toEqual(["1.4.0", "1.5.0", "minor", true]);
    expect(u.changes).toContain(`schema /required/0: 'read' is no longer required (breaking) (waived until ${UNTIL}: ${REASON})`);
  });

  test("sync publishes 1.5.0; the published pair passes with the waiver, in text, --json and SARIF", () => {
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    expect(onMain("domains/s3-access/contracts/s3-permissions.yaml")!.version).toBe("1.5.0");
    const args = ["realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from", "1.4.0", "--to", "1.5.0"];
    const text = sb.blue(aperture, ...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("1.4.0 → 1.5.0: Result: COMPATIBLE (minor version bump OK, 1 breaking change waived)");
    expect(text.stdout).toContain(WAIVED_LINE);
    const doc = CheckReport.parse(JSON.parse(sb.blue(aperture, ...args, "--json").stdout));
    expect(doc.summary.errors).toBe(0);
    expect(doc.waivers).toEqual([
      expect.objectContaining({ contract: "s3-permissions", rule: "required-removed", pointer: "/required/0", until: UNTIL, status: "applied" }),
      expect.objectContaining({ contract: "s3-permissions", rule: "type-changed", pointer: "/properties/write", status: "unused" }),
    ]);
    expect(text.stdout).toContain(`s3-permissions: waived: type-changed at /properties/write until ${UNTIL} (not needed yet); nothing matched it in this check`);
    const f = doc.findings.find((x) => x.rule === "required-removed")!;
    expect(f.severity).toBe("info");
    expect(f.waiver).toMatchObject({ until: UNTIL, reason: REASON, expired: false });
    const sarif = JSON.parse(sb.blue(aperture, ...args, "--format", "sarif").stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "required-removed");
    expect(result.suppressions).toEqual([expect.objectContaining({ kind: "external", status: "accepted", justification: REASON })]);
  });

  test("after its date the same check fails again and says the waiver expired", () => {
    const args = ["realm", "check", "--mode=compatibility", "--contract", "s3-permissions", "--from", "1.4.0", "--to", "1.5.0"];
    const r = at(aperture, AFTER, ...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bump-too-small: 1.4.0 → 1.5.0 is a minor bump; this change needs a major bump");
    expect(r.stdout).toContain(`(BREAKING for this contract; its waiver expired on ${UNTIL})`);
    expect(r.stdout).toContain(`s3-permissions: waiver expired: required-removed at /required/0 on ${UNTIL} (${REASON}); the finding counts again`);
    const doc = CheckReport.parse(JSON.parse(at(aperture, AFTER, ...args, "--json").stdout));
    expect(doc.waivers?.map((x) => x.status)).toEqual(["expired", "expired"]);
    expect(doc.findings.find((x) => x.rule === "required-removed")?.severity).toBe("error");
    const sarif = JSON.parse(at(aperture, AFTER, ...args, "--format", "sarif").stdout);
    expect(sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "required-removed").suppressions).toBeUndefined();
    // And the waiver is honoured again inside its dates.
    expect(sb.blue(aperture, ...args).code).toBe(0);
  });
});
