// The operations journal store: one private JSON file per operation, read back as written; a file blue cannot
// read is moved aside (never deleted) and the operation starts over.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listOperations, operationsDir, readOperation, writeOperation, type Operation } from "../../src/store/operations.ts";
import { setNoticeSink } from "../../src/system/notice.ts";

const now = () => new Date("2026-11-30T10:00:00Z");
const op = (key: string, kind: Operation["kind"] = "pr"): Operation => ({
  version: 1,
  kind,
  key,
  started_at: now().toISOString(),
  updated_at: now().toISOString(),
  order: ["a", "b"],
  repos: { a: { steps: [{ step: "pushed", at: now().toISOString(), detail: "abc" }], failure: null }, b: { steps: [], failure: { step: "pushed", reason: "no", at: now().toISOString() } } },
  data: { request: { title: "t" } },
});

const notices: string[] = [];
setNoticeSink((t) => notices.push(t));
afterEach(() => void notices.splice(0));

describe("operations store", () => {
  test("round trip, 0600 files in a 0700 directory, listed by kind", () => {
    const home = mkdtempSync(join(tmpdir(), "blue-ops-"));
    writeOperation(home, op("pr r feat/x 1"));
    writeOperation(home, op("sync r aperture", "sync"));
    expect(readOperation(home, "pr r feat/x 1", now)).toEqual(op("pr r feat/x 1"));
    expect(readOperation(home, "pr r feat/x 2", now)).toBeUndefined();
    expect(statSync(operationsDir(home)).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(operationsDir(home))) expect(statSync(join(operationsDir(home), f)).mode & 0o777).toBe(0o600);
    expect(listOperations(home, "sync", now).map((o) => o.key)).toEqual(["sync r aperture"]);
  });

  test("a corrupt file is moved aside with a notice, and reads as no journal", () => {
    const home = mkdtempSync(join(tmpdir(), "blue-ops-"));
    writeOperation(home, op("pr r feat/x 1"));
    const [file] = readdirSync(operationsDir(home));
    writeFileSync(join(operationsDir(home), file!), "{ not json");
    expect(readOperation(home, "pr r feat/x 1", now)).toBeUndefined();
    expect(readdirSync(operationsDir(home))).toEqual([`${file}.corrupt-20261130T100000Z`]);
    expect(notices[0]).toContain("not JSON");
    expect(notices[0]).toContain("starts over");
  });

  test("a file of the wrong shape is moved aside too", () => {
    const home = mkdtempSync(join(tmpdir(), "blue-ops-"));
    writeOperation(home, op("pr r feat/x 1"));
    const [file] = readdirSync(operationsDir(home));
    writeFileSync(join(operationsDir(home), file!), JSON.stringify({ ...op("pr r feat/x 1"), version: 9 }));
    expect(listOperations(home, "pr", now)).toEqual([]);
    expect(readdirSync(operationsDir(home))[0]).toContain(".corrupt-");
    expect(notices[0]).toContain("version");
  });
});
