// A sync killed mid-way leaves its scratch worktree in the realm clone's .git; the next run removes it, and
// never one a live process is using (issue 18, item 5).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dailyDevelopment, VALUE } from "./daily.ts";
import { BIN, type Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const scratch = (clone: string) => readdirSync(join(clone, ".git")).filter((n) => /^blue-(sync|merge)-/.test(n)).sort();
const worktrees = (sb: Sandbox, clone: string) => sb.git(clone, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree ")).map((l) => l.slice(9));

describe("leftover scratch worktrees", () => {
  test("kill -9 during a sync's push: the next sync removes the worktree it left, keeps a live process's, and lands the change", async () => {
    const w = dailyDevelopment();
    const { sb, aperture, clone, writeCode } = w;
    sandboxes.push(sb);
    writeCode({ ...VALUE, write: [...VALUE.write, "x/*"] });
    // The clone's hooks are its worktrees' too: the push from the scratch worktree stops here until killed.
    const reached = sb.path("push-reached");
    writeFileSync(join(clone, ".git/hooks/pre-push"), `#!/bin/sh\ntouch '${reached}'\nsleep 60\n`, { mode: 0o755 });
    const p = Bun.spawn([BIN, "realm", "sync"], { cwd: aperture, env: sb.env, stdout: "ignore", stderr: "ignore", detached: true });
    const deadline = Date.now() + 30_000;
    while (!existsSync(reached) && Date.now() < deadline) await Bun.sleep(50);
    expect(existsSync(reached)).toBe(true);
    process.kill(-p.pid, "SIGKILL"); // blue, its git push and the hook: the whole process group
    await p.exited;
    rmSync(join(clone, ".git/hooks/pre-push"));
    const left = scratch(clone);
    expect(left).toHaveLength(1);
    expect(left[0]).toStartWith(`blue-sync-${p.pid}-`);
    expect(worktrees(sb, clone)).toContain(join(clone, ".git", left[0]!));

    // A scratch worktree of a process that is alive (this test) must stay.
    const live = join(clone, ".git", `blue-sync-${process.pid}-abcdef`);
    sb.git(clone, "worktree", "add", "-q", "--detach", live, "origin/main");

    const r = sb.blue(aperture, "realm", "sync");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Contract update: s3-permissions 1.4.0 → 1.5.0");
    expect(scratch(clone)).toEqual([`blue-sync-${process.pid}-abcdef`]);
    expect(worktrees(sb, clone).sort()).toEqual([clone, live].sort());
    sb.git(clone, "worktree", "remove", "--force", live);
  }, 120_000);

  test("a scratch worktree whose directory was deleted by hand is forgotten by git too (worktree prune)", () => {
    const w = dailyDevelopment();
    const { sb, aperture, clone } = w;
    sandboxes.push(sb);
    const dead = join(clone, ".git", "blue-merge-999999999-zzzzzz");
    sb.git(clone, "worktree", "add", "-q", "--detach", dead, "origin/main");
    rmSync(dead, { recursive: true });
    expect(worktrees(sb, clone)).toContain(dead);
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(worktrees(sb, clone)).toEqual([clone]);
  }, 60_000);
});
