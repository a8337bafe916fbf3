// A realm whose main is protected (the forge refuses direct pushes): blue's own writes go to a branch for
// review instead of failing, and leave the realm clone as the remote has it.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { initialSetup, protectMain, stackTrace } from "./sandbox.ts";

describe("writes to a realm whose main is protected", () => {
  test("domain create and leave push a branch named for the change; main and the clone stay as they were", () => {
    const { sb, aperture, fungal } = initialSetup();
    const remote = sb.defaultRemote("letemcook");
    const clone = sb.realmClone("letemcook");
    protectMain(remote);
    const main = sb.git(sb.root, "-C", remote, "rev-parse", "main");

    const r = sb.blue(aperture, "realm", "admin", "domain", "create", "metrics", "--repos", "aperture,fungal-image-analysis", "--contract", "metrics-schema");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const branches = sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/blue/").split("\n");
    expect(branches).toHaveLength(1);
    expect(branches[0]).toMatch(/^blue\/create-domain-metrics-aperture-fungal-image-anal-\d{8}-\d{6}$/);
    expect(r.stdout).toContain(`✓ The realm's main is protected: pushed the change as branch ${branches[0]} to ${remote}; it lands when merged`);
    expect(sb.git(sb.root, "-C", remote, "rev-parse", "main")).toBe(main);
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(main);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
    expect(existsSync(join(clone, "domains/metrics"))).toBe(false);
    // The branch holds the change, as one commit on main.
    expect(sb.git(sb.root, "-C", remote, "rev-list", "--count", `main..${branches[0]}`)).toBe("1");
    expect(sb.git(sb.root, "-C", remote, "show", `${branches[0]}:domains/metrics/domain.yaml`)).toContain("name: metrics");

    // The next write starts from main again, not from the proposal.
    const leave = sb.blue(fungal, "realm", "admin", "leave");
    expect(leave.code).toBe(0);
    expect(leave.stdout).toContain("✓ The realm's main is protected: pushed the change as branch blue/fungal-image-analysis-leaves-the-realm-");
    expect(sb.git(clone, "rev-parse", "HEAD")).toBe(main);
    expect(stackTrace(leave)).toBe(false);
    expect(readFileSync(join(clone, "repos/fungal-image-analysis.yaml"), "utf8")).toContain("fungal-image-analysis");
  });
});
