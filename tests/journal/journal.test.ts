// The step journal: steps recorded as they are done survive into the next run, failures carry their reason,
// and the table says done / failed / partly done / not started.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../src/errors.ts";
import { Journal } from "../../src/journal/journal.ts";

const env = () => ({ home: mkdtempSync(join(tmpdir(), "blue-journal-")), now: () => new Date("2026-11-30T10:00:00Z") });
const open = (e: ReturnType<typeof env>, resume = false) => Journal.open("pr", "pr r feat/x abc", e, { resume, command: "blue realm pr" });
const complete = (_repo: string, done: (s: string) => unknown) => done("pushed") !== undefined && done("PR opened") !== undefined;

describe("journal", () => {
  test("a run that failed part-way gives the table, and the next run reads what it did", () => {
    const e = env();
    const j = open(e);
    expect(j.resumed).toBe(false);
    j.setOrder(["a", "b", "c"]);
    j.record("a", "pushed", "sha1");
    j.record("a", "PR opened", "#1");
    j.record("b", "pushed", "sha2");
    j.fail("b", "PR opened", "github answered 502 Bad Gateway");
    expect(j.table(complete).rows).toEqual([
      { repo: "a", state: "done", steps: ["pushed", "PR opened"], failed_step: null, reason: null },
      { repo: "b", state: "failed", steps: ["pushed"], failed_step: "PR opened", reason: "github answered 502 Bad Gateway" },
      { repo: "c", state: "not started", steps: [], failed_step: null, reason: null },
    ]);
    expect(j.table(complete).complete).toBe(false);

    const next = open(e, true);
    expect(next.resumed).toBe(true);
    expect(next.done("b", "pushed")?.detail).toBe("sha2");
    next.clearFailures();
    expect(next.table(complete).rows.map((r) => r.state)).toEqual(["done", "partly done", "not started"]);
    next.record("b", "PR opened", "#2");
    next.record("c", "pushed", "sha3");
    next.record("c", "PR opened", "#3");
    expect(next.table(complete).complete).toBe(true);
    // Steps are appended: how often each ran is on record.
    expect(next.all("a", "pushed").length).toBe(1);
  });

  test("--resume with no journal is a usage error (exit 64)", () => {
    expect(() => open(env(), true)).toThrow(UsageError);
  });

  test("nothing is written until a step is", () => {
    const e = env();
    open(e);
    expect(() => open(e, true)).toThrow(UsageError);
  });
});
