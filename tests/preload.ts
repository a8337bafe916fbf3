// Preloaded into every test run (bunfig.toml): the temp dirs every test makes go under one directory per run,
// removed when the run ends, so test runs leave nothing behind in /tmp. BLUE_KEEP_TMP=1 keeps it, to look at
// what a failing test left.
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = mkdtempSync(join(tmpdir(), "blue-test-"));
// os.tmpdir() reads TMPDIR on every call, and the blue processes tests start inherit it.
process.env.TMPDIR = run;

afterAll(() => {
  if (process.env.BLUE_KEEP_TMP) console.error(`test files kept in ${run}`);
  else rmSync(run, { recursive: true, force: true });
});
