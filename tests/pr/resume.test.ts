// What a `blue realm pr` rerun still has to do, from the journal and what git and the forge say now.
import { describe, expect, test } from "bun:test";
import { knownPr, needsPush, needsWrite, prOperationKey, prRepoComplete, prStepLabel, PR_STEPS, textKey } from "../../src/pr/resume.ts";
import type { StepRecord } from "../../src/store/operations.ts";

const at = "2026-11-30T10:00:00Z";
const journal = (records: Record<string, string | null>) => (step: string): StepRecord | undefined => (step in records ? { step, at, detail: records[step]! } : undefined);

describe("pr resume plan", () => {
  test("pushes unless this very commit was pushed", () => {
    expect(needsPush(journal({}), "aaa")).toBe(true);
    expect(needsPush(journal({ [PR_STEPS.pushed]: "aaa" }), "aaa")).toBe(false);
    expect(needsPush(journal({ [PR_STEPS.pushed]: "aaa" }), "bbb")).toBe(true);
  });

  test("the forge's open PR wins; else the journal's; never none when either knows one", () => {
    const opened = journal({ [PR_STEPS.pr]: JSON.stringify({ number: 4, url: "u4" }) });
    expect(knownPr(opened, null)).toEqual({ number: 4, url: "u4" });
    expect(knownPr(opened, { number: 9, url: "u9" })).toEqual({ number: 9, url: "u9" });
    expect(knownPr(journal({}), { number: 9, url: "u9" })).toEqual({ number: 9, url: "u9" });
    expect(knownPr(journal({}), null)).toBeNull();
  });

  test("an unchanged body is not sent again", () => {
    const key = textKey("t", "b", false);
    expect(needsWrite(journal({ [PR_STEPS.body]: key }), PR_STEPS.body, key)).toBe(false);
    expect(needsWrite(journal({ [PR_STEPS.body]: key }), PR_STEPS.body, textKey("t", "b2", false))).toBe(true);
  });

  test("a repo is complete once pushed and, on a forge, its PR opened or found", () => {
    const forgeOf = (r: string) => (r === "plain" ? "none" : "github");
    expect(prRepoComplete(forgeOf)("plain", journal({ [PR_STEPS.pushed]: "a" }))).toBe(true);
    expect(prRepoComplete(forgeOf)("x", journal({ [PR_STEPS.pushed]: "a" }))).toBe(false);
    expect(prRepoComplete(forgeOf)("x", journal({ [PR_STEPS.pushed]: "a", [PR_STEPS.found]: "{}" }))).toBe(true);
  });

  test("a new title is a new operation; the table names PRs by number", () => {
    expect(prOperationKey("r", "feat/x", "a")).not.toBe(prOperationKey("r", "feat/x", "b"));
    expect(prStepLabel({ step: PR_STEPS.pr, at, detail: JSON.stringify({ number: 12, url: "u" }) })).toBe("PR opened #12");
  });
});
