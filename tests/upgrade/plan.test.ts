// `blue upgrade` decided before anything is downloaded or replaced: the refusals and the plan (pure).
import { describe, expect, test } from "bun:test";
import { planUpgrade, refusal, requestedVersion, type Installation } from "../../src/upgrade/plan.ts";

const installed: Installation = { path: "/home/u/.local/bin/blue", compiled: true, target: "linux-x64", receipt: true, writable: true };
const GH = "https://github.com/blue-realm/blue/releases/download";

describe("refusal", () => {
  test("none for a compiled blue install.sh put in a writable directory", () => {
    expect(refusal(installed, { check: false, force: false })).toBeUndefined();
  });

  test("a blue without install.sh's receipt: refused, naming --force; --force and --check go ahead", () => {
    const byHand = { ...installed, receipt: false };
    const r = refusal(byHand, { check: false, force: false });
    expect(r?.message).toContain("/home/u/.local/bin/blue was not installed by install.sh");
    expect(r?.hint).toContain("--force");
    expect(refusal(byHand, { check: false, force: true })).toBeUndefined();
    expect(refusal(byHand, { check: true, force: false })).toBeUndefined();
  });

  test("a directory this user cannot write: refused, and --force does not override it", () => {
    const readOnly = { ...installed, writable: false };
    expect(refusal(readOnly, { check: false, force: false })?.message).toContain("not writable");
    expect(refusal(readOnly, { check: false, force: true })?.message).toContain("not writable");
    expect(refusal({ ...readOnly, receipt: false }, { check: false, force: true })?.message).toContain("not writable");
    expect(refusal(readOnly, { check: true, force: false })).toBeUndefined();
  });

  test("blue run from source by bun: refused even for --check and --force (no release asset is this)", () => {
    const source = { ...installed, compiled: false, target: "source" };
    for (const opts of [{ check: false, force: false }, { check: true, force: false }, { check: false, force: true }]) {
      expect(refusal(source, opts)?.message).toContain("runs from source");
    }
  });
});

describe("planUpgrade", () => {
  const plan = (current: string, available: string, o: { pinned?: boolean; force?: boolean; base?: string; target?: string } = {}) =>
    planUpgrade({ current, available, pinned: o.pinned ?? false, force: o.force ?? false, target: o.target ?? "linux-x64", base: o.base ?? GH });

  test("a newer release is installed, from its own tag on GitHub", () => {
    expect(plan("0.1.0", "0.2.0")).toEqual({
      current: "0.1.0",
      available: "0.2.0",
      pinned: false,
      action: "install",
      reason: "upgrade",
      asset: "blue-linux-x64",
      binary_url: `${GH}/v0.2.0/blue-linux-x64`,
      sums_url: `${GH}/v0.2.0/SHA256SUMS`,
    });
  });

  test("versions compare as semver, not as strings", () => {
    expect(plan("0.9.0", "0.10.0").reason).toBe("upgrade");
    expect(plan("0.10.0", "0.9.0").reason).toBe("ahead_of_latest");
    expect(plan("1.0.0-rc.1", "1.0.0").reason).toBe("upgrade");
  });

  test("the newest release when it is this one: nothing to do, or a reinstall with --force", () => {
    expect(plan("0.2.0", "0.2.0")).toMatchObject({ action: "none", reason: "up_to_date" });
    expect(plan("0.2.0", "0.2.0", { force: true })).toMatchObject({ action: "install", reason: "reinstall" });
  });

  test("older than this one: nothing unless asked for by --version (a downgrade)", () => {
    expect(plan("0.3.0", "0.2.0")).toMatchObject({ action: "none", reason: "ahead_of_latest" });
    expect(plan("0.3.0", "0.2.0", { force: true })).toMatchObject({ action: "none", reason: "ahead_of_latest" });
    expect(plan("0.3.0", "0.2.0", { pinned: true })).toMatchObject({ action: "install", reason: "downgrade" });
  });

  test("the asset of this build's target (musl, arm64, darwin), from a mirror's base as given", () => {
    const p = plan("0.1.0", "0.2.0", { target: "linux-arm64-musl", base: "https://mirror.example/blue/" });
    expect(p.asset).toBe("blue-linux-arm64-musl");
    expect(p.binary_url).toBe("https://mirror.example/blue/v0.2.0/blue-linux-arm64-musl");
    expect(p.sums_url).toBe("https://mirror.example/blue/v0.2.0/SHA256SUMS");
  });
});

describe("requestedVersion", () => {
  test("X.Y.Z with or without a v; anything else is not a version", () => {
    expect(requestedVersion("0.2.0")).toBe("0.2.0");
    expect(requestedVersion("v1.2.3")).toBe("1.2.3");
    expect(requestedVersion("1.0.0-rc.1")).toBe("1.0.0-rc.1");
    for (const bad of ["latest", "1.2", "", "1.2.3; rm -rf /", "../1.2.3"]) expect(requestedVersion(bad)).toBeUndefined();
  });
});
