import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHook } from "../../src/check/hooks.ts";

function repoWith(scripts: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "blue-hooks-"));
  mkdirSync(join(root, "scripts"));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(root, "scripts", name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(root, "scripts", name), 0o755);
  }
  return root;
}

describe("validation hooks", () => {
  const root = repoWith({
    "ok.sh": "exit 0",
    "invalid.sh": "echo 'iam policy lacks training-metrics/*' >&2; exit 1",
    "warn.sh": "echo 'path is deprecated'; exit 2",
    "crash.sh": "exit 3",
    "slow.sh": "sleep 5",
    "env.sh": 'test "$BLUE_CONTRACT" = s3-permissions && test "$PWD" = "$(pwd -P)"',
  });

  test("exit 0 is valid, 1 invalid, 2 a warning, each with the hook's first output line", async () => {
    expect(await runHook(root, "scripts/ok.sh")).toMatchObject({ outcome: "valid", exit_code: 0 });
    expect(await runHook(root, "scripts/invalid.sh")).toMatchObject({ outcome: "invalid", exit_code: 1, message: "hook scripts/invalid.sh failed: iam policy lacks training-metrics/*" });
    expect(await runHook(root, "scripts/warn.sh")).toMatchObject({ outcome: "warning", exit_code: 2, message: "hook scripts/warn.sh warned: path is deprecated" });
  });

  test("any other exit code is an error naming the hook", async () => {
    expect(await runHook(root, "scripts/crash.sh")).toMatchObject({ outcome: "error", exit_code: 3, message: "hook scripts/crash.sh exited 3 (expected 0, 1 or 2)" });
  });

  test("a hook that runs past its timeout is killed and is an error", async () => {
    const t = performance.now();
    expect(await runHook(root, "scripts/slow.sh", { timeoutMs: 300 })).toMatchObject({ outcome: "error", message: "hook scripts/slow.sh timed out after 0.3s" });
    expect(performance.now() - t).toBeLessThan(4000);
  });

  test("runs in the repo root with realm data only in its environment", async () => {
    expect((await runHook(root, "scripts/env.sh", { env: { BLUE_CONTRACT: "s3-permissions" } })).outcome).toBe("valid");
  });

  test("paths that leave the repo are refused without running anything", async () => {
    const outside = repoWith({ "evil.sh": "touch /tmp/blue-hook-ran; exit 0" });
    symlinkSync(join(outside, "scripts", "evil.sh"), join(root, "scripts", "link.sh"));
    for (const hook of ["../evil.sh", "scripts/../../evil.sh", join(outside, "scripts/evil.sh")]) {
      const r = await runHook(root, hook);
      expect(r.outcome).toBe("error");
      expect(r.message).toContain("must be a relative path inside the repo, without '..'");
    }
    const link = await runHook(root, "scripts/link.sh");
    expect(link.outcome).toBe("error");
    expect(link.message).toContain("leads outside the repo");
  });

  test("a missing or non-executable hook is an error that says so", async () => {
    expect((await runHook(root, "scripts/none.sh")).message).toContain("does not exist");
    writeFileSync(join(root, "scripts", "noexec.sh"), "#!/bin/sh\nexit 0\n");
    expect((await runHook(root, "scripts/noexec.sh")).message).toBe("hook scripts/noexec.sh is not executable (chmod +x it)");
  });
});
