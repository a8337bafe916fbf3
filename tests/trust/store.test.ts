// trust.json that cannot be read: moved aside, the user told in one line what was lost, and consent then behaves as
// with no approval at all; never rebuilt from anything (the end-to-end run is tests/e2e/corrupt-store.test.ts).
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setNoticeSink } from "../../src/system/notice.ts";
import { lostApprovals, machineConsent, readTrust, updateTrust } from "../../src/trust/store.ts";

const at = () => new Date("2026-11-30T09:40:12Z");
const told: string[] = [];
setNoticeSink((t) => told.push(t));
afterEach(() => {
  told.length = 0;
});

const approval = { file: "domains/d/bindings/a.yaml", field: "exports.c.extract.command", argv: ["make", "c"], approved_at: "2026-11-01T00:00:00Z", commit: null, author: null };
const good = JSON.stringify({ realms: { letemcook: { commands: [approval], forge_hosts: ["git.example.com"] } } }, null, 2);
const use = { file: approval.file, field: approval.field, argv: approval.argv, kind: "extract" as const, domain: "d", contract: "c" };

function home(trust?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "blue-trust-"));
  if (trust !== undefined) writeFileSync(join(dir, "trust.json"), trust);
  return dir;
}

describe("a trust.json that cannot be read", () => {
  test("a good file is read as it is and nothing is said", () => {
    const h = home(good);
    expect(readTrust(h, at).realms.letemcook?.commands).toHaveLength(1);
    expect(machineConsent(h, "letemcook")(use)).toEqual({ ok: true, by: "approval" });
    expect(told).toEqual([]);
  });

  test("cut short: moved aside, one line with what can still be read, and the command is no longer approved", () => {
    const h = home(good.slice(0, good.indexOf("git.example.com") + 16));
    expect(readTrust(h, at)).toEqual({ realms: {} });
    expect(machineConsent(h, "letemcook")(use)).toEqual({ ok: false });
    expect(told).toEqual([
      `${h}/trust.json was unreadable (not JSON); moved to ${h}/trust.json.corrupt-20261130T094012Z; lost 1 approved command (exports.c.extract.command) and 1 forge host (git.example.com) of realm letemcook; approve again with 'blue realm trust'`,
    ]);
    expect(readFileSync(`${h}/trust.json.corrupt-20261130T094012Z`, "utf8")).toBe(good.slice(0, good.indexOf("git.example.com") + 16));
    expect(existsSync(`${h}/trust.json`)).toBe(false);
  });

  test("an approval added after it was moved aside is kept: updating starts from nothing, not from the bad file", async () => {
    const h = home("{{{");
    await updateTrust(h, (t) => {
      t.realms.other = { commands: [], forge_hosts: ["h"] };
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("nothing in it could be read, so every approval on this machine is lost");
    expect(JSON.parse(readFileSync(`${h}/trust.json`, "utf8"))).toEqual({ realms: { other: { commands: [], forge_hosts: ["h"] } } });
    expect(readTrust(h, at).realms.other?.forge_hosts).toEqual(["h"]);
    expect(told).toHaveLength(1);
  });

  test("what is lost, as far as the text shows", () => {
    expect(lostApprovals(JSON.stringify({ realms: { a: { commands: [approval, { bad: 1 }] }, b: { forge_hosts: ["x", "y"] } }, extra: 1 }))).toBe(
      "lost 2 approved commands (exports.c.extract.command, ?) and 2 forge hosts (x, y) of realms a, b",
    );
    expect(lostApprovals(JSON.stringify({ realms: [] }))).toBe("nothing in it could be read, so every approval on this machine is lost");
    expect(lostApprovals("")).toBe("it was empty");
    const many = JSON.stringify({ realms: { r: { commands: Array.from({ length: 7 }, (_, i) => ({ ...approval, field: `f${i}` })) } } }).slice(0, -3);
    expect(lostApprovals(many)).toBe("lost 7 approved commands (f0, f1, f2, f3, f4, and 2 more) and 0 forge hosts of realm r");
  });

  test("once moved aside and told, a good file written in its place is read as it is, and nothing more is said", () => {
    const h = home("garbage");
    const first = readTrust(h, at);
    writeFileSync(join(h, "trust.json"), good);
    expect(first).toEqual({ realms: {} });
    expect(readTrust(h, at).realms.letemcook?.commands).toHaveLength(1);
    expect(told).toHaveLength(1);
  });
});
