// A contract's versions read from a real git history: the version each commit had is read from its
// `version:` line, texts are parsed on demand, and a line that is not the top-level version never misleads.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContractVersions, contractHistory, sniffVersion, unchangedFiles } from "../../src/git/history.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FILE = "domains/d/contracts/c.yaml";

/** A repo where FILE was committed once per text, oldest first. */
function repoWith(texts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "blue-history-"));
  dirs.push(dir);
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  };
  git("init", "-q", "-b", "main");
  mkdirSync(join(dir, "domains/d/contracts"), { recursive: true });
  texts.forEach((t, i) => {
    writeFileSync(join(dir, FILE), t);
    git("add", FILE);
    git("commit", "-q", "-m", `v${i}`);
  });
  return dir;
}

describe("sniffVersion", () => {
  test("reads a plain or quoted top-level version, and nothing it is not sure of", () => {
    expect(sniffVersion('name: c\nversion: "1.4.0"\nvalue: 1\n')).toBe("1.4.0");
    expect(sniffVersion("version: 1.4.0  # current\n")).toBe("1.4.0");
    expect(sniffVersion("version: '2.0.0-rc.1+b5'\n")).toBe("2.0.0-rc.1+b5");
    expect(sniffVersion('name: c\r\nversion: "1.4.0"\r\nvalue: 1\r\n')).toBe("1.4.0");
    expect(sniffVersion("name: c\nversions: 3\nversion: 1.2.0")).toBe("1.2.0");
    expect(sniffVersion("name: c\n")).toBeUndefined();
    expect(sniffVersion("version: &v 1.0.0\n")).toBeUndefined();
    expect(sniffVersion("version: 1.0.0\nversion: 2.0.0\n")).toBeUndefined();
    expect(sniffVersion("  version: 1.0.0\n")).toBeUndefined();
  });
});

describe("contractHistory", () => {
  test("each version as of the newest commit that had it", async () => {
    const dir = repoWith(["version: 1.0.0\nvalue: a\n", "version: 1.0.0\nvalue: b\n", 'version: "1.1.0"\nvalue: c\n']);
    const versions = await contractHistory(dir, FILE);
    expect(versions.get("1.0.0")).toEqual({ version: "1.0.0", value: "b" });
    expect(versions.get("1.1.0")).toEqual({ version: "1.1.0", value: "c" });
    expect(versions.get("9.9.9")).toBeUndefined();
  });

  test("a text is a version only if it parses to one: a readable version line is not enough", () => {
    const broken = "version: 2.0.0\nvalue: [unclosed\n";
    expect(sniffVersion(broken)).toBe("2.0.0");
    const versions = new ContractVersions([broken, "version: 1.0.0\nvalue: 1\n"]);
    expect(versions.get("2.0.0")).toBeUndefined();
    expect(versions.get("1.0.0")).toEqual({ version: "1.0.0", value: 1 });
    // A version written as a number is no version (as before: the contract schema wants a string).
    expect(new ContractVersions(["version: 1.0\n"]).get("1.0")).toBeUndefined();
  });
});

describe("unchangedFiles", () => {
  test("a file as committed is unchanged; an edited one, an untracked one and a missing one are not", async () => {
    const dir = repoWith(["version: 1.0.0\n"]);
    const other = "domains/d/contracts/new.yaml";
    writeFileSync(join(dir, other), "version: 1.0.0\n");
    expect([...(await unchangedFiles(dir, "HEAD", [FILE, other, "domains/d/contracts/gone.yaml"]))]).toEqual([FILE]);
    writeFileSync(join(dir, FILE), "version: 1.0.1\n");
    expect([...(await unchangedFiles(dir, "HEAD", [FILE]))]).toEqual([]);
  });
});

describe("hostile texts in history", () => {
  test("an old version past blue's limits reads as nothing, as a malformed one does", async () => {
    const { parseQuietly } = await import("../../src/git/history.ts");
    const bomb = `version: 1.0.0\nv:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${"bcdefghi".split("").map((n, i) => `  ${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]\n`).join("")}`;
    expect(parseQuietly(bomb)).toBeUndefined();
    expect(parseQuietly(`version: 1.0.0\nv: ${"[".repeat(1000)}${"]".repeat(1000)}\n`)).toBeUndefined();
    expect(parseQuietly("version: 1.0.0\nv: [1]\n")).toEqual({ version: "1.0.0", v: [1] });
  });
});
