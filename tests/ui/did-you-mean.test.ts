import { describe, expect, test } from "bun:test";
import { didYouMean, distance } from "../../src/ui/did-you-mean.ts";

describe("did you mean", () => {
  const commands = ["status", "check", "sync", "approve", "contract", "export", "import", "worktree", "pr", "trust", "admin"];

  test("a swap of two letters is one edit", () => {
    expect(distance("stauts", "status")).toBe(1);
    expect(distance("sycn", "sync")).toBe(1);
    expect(distance("kitten", "sitting")).toBe(3);
  });

  test("suggests the closest command, or the one the name begins", () => {
    expect(didYouMean("stauts", commands)).toBe("status");
    expect(didYouMean("sycn", commands)).toBe("sync");
    expect(didYouMean("chekc", commands)).toBe("check");
    expect(didYouMean("work", commands)).toBe("worktree");
    expect(didYouMean("STATUS", commands)).toBe("status");
  });

  test("suggests nothing when nothing is close", () => {
    expect(didYouMean("teleport", commands)).toBeUndefined();
    expect(didYouMean("x", commands)).toBeUndefined();
    expect(didYouMean("", commands)).toBeUndefined();
  });

  test("flags compare without their dashes", () => {
    expect(didYouMean("--jsno", ["--json", "--dry-run", "--help"])).toBe("--json");
    expect(didYouMean("--dryrun", ["--json", "--dry-run", "--help"])).toBe("--dry-run");
    expect(didYouMean("--no-cahce", ["--cache", "--no-cache"])).toBe("--no-cache");
  });
});
