// The modes of what blue writes under BLUE_HOME: private directories and files, atomic writes that keep a file's
// mode or set the one asked for, and notices left by the daemon taken once.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/system/atomic-write.ts";
import { leaveNotice, takeNotices } from "../../src/system/notice.ts";
import { createPrivateFile, ensurePrivateDir, tightenBlueHome } from "../../src/system/private.ts";

const dir = () => mkdtempSync(join(tmpdir(), "blue-private-"));
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe("private files", () => {
  test("a directory is created 0700, whatever the umask; an existing one others can read is tightened", () => {
    const old = process.umask(0o000);
    try {
      const d = join(dir(), "a", "home");
      ensurePrivateDir(d);
      expect(mode(d)).toBe("700");
      chmodSync(d, 0o755);
      ensurePrivateDir(d);
      expect(mode(d)).toBe("700");
      const f = join(d, "f");
      createPrivateFile(f);
      expect(mode(f)).toBe("600");
    } finally {
      process.umask(old);
    }
  });

  test("BLUE_HOME is tightened only if it exists", () => {
    const root = dir();
    const home = join(root, "home");
    const before = process.env.BLUE_HOME;
    process.env.BLUE_HOME = home;
    try {
      tightenBlueHome();
      expect(() => statSync(home)).toThrow();
      mkdirSync(home, { mode: 0o755 });
      chmodSync(home, 0o755);
      tightenBlueHome();
      expect(mode(home)).toBe("700");
    } finally {
      process.env.BLUE_HOME = before;
    }
  });

  test("an atomic write sets the mode asked for, exactly, and otherwise keeps the file's own", () => {
    const d = dir();
    const old = process.umask(0o000);
    try {
      writeFileAtomic(join(d, "secret"), "x", 0o600);
      expect(mode(join(d, "secret"))).toBe("600");
      writeFileSync(join(d, "script"), "#!/bin/sh\n", { mode: 0o750 });
      chmodSync(join(d, "script"), 0o750);
      writeFileAtomic(join(d, "script"), "#!/bin/sh\necho\n");
      expect(mode(join(d, "script"))).toBe("750");
      // A 0644 file made private by a later write with the mode.
      writeFileSync(join(d, "was-open"), "x", { mode: 0o644 });
      writeFileAtomic(join(d, "was-open"), "y", 0o600);
      expect(mode(join(d, "was-open"))).toBe("600");
    } finally {
      process.umask(old);
    }
  });

  test("notices left by the daemon are taken once, 0600 while they wait", () => {
    const before = process.env.BLUE_HOME;
    process.env.BLUE_HOME = dir();
    try {
      expect(takeNotices()).toEqual([]);
      leaveNotice("one\nline");
      leaveNotice("two");
      expect(mode(join(process.env.BLUE_HOME, "notices"))).toBe("600");
      expect(takeNotices()).toEqual(["one line", "two"]);
      expect(takeNotices()).toEqual([]);
    } finally {
      process.env.BLUE_HOME = before;
    }
  });
});
