// What a `blue realm pr` run still has to do in each repo, from its step journal (journal/journal.ts) and what
// git and the forge say now. Pure. The forge wins over the journal: a PR opened just before a crash is not in
// the journal but is found by its head branch; a PR in the journal that the forge no longer lists as open
// (or a stateless mock that never lists one) is still that PR, never a reason to open a second.
import { z } from "zod";
import { sha256 } from "../store/hash.ts";
import { OperationTable } from "../journal/journal.ts";
import type { StepRecord } from "../store/operations.ts";
import { PrDoc, PrRef } from "./plan.ts";

/** The journal's step names. */
export const PR_STEPS = { pushed: "pushed", pr: "PR opened", found: "PR found", linked: "dependency linked", body: "body updated" } as const;

/** One operation per realm, feature branch and title: a new title is a new set of PRs. */
export const prOperationKey = (realm: string, branch: string, title: string) => `pr ${realm} ${branch} ${sha256(title).slice(0, 12)}`;
export const prOperationPrefix = (realm: string, branch: string) => `pr ${realm} ${branch} `;

/** What `--resume` without `--title` takes from the journal. */
export const PrRequestText = z.object({ title: z.string(), body: z.string(), draft: z.boolean() });
export type PrRequestText = z.infer<typeof PrRequestText>;

/** `blue realm pr --json`: the plan and, for a real run, the table of what each repo got done. */
export const PrRunDoc = PrDoc.extend({ operation: OperationTable.nullable() });
export type PrRunDoc = z.infer<typeof PrRunDoc>;

type Done = (step: string) => StepRecord | undefined;

/** Push unless the journal says this very commit was pushed (a rerun never pushes twice). */
export const needsPush = (done: Done, localSha: string | null) => localSha === null || done(PR_STEPS.pushed)?.detail !== localSha;

/** The PR of a repo: the open one the forge finds by head branch, else the one the journal recorded. */
export function knownPr(done: Done, found: PrRef | null): PrRef | null {
  if (found) return found;
  const rec = done(PR_STEPS.pr) ?? done(PR_STEPS.found);
  return rec?.detail ? PrRef.parse(JSON.parse(rec.detail)) : null;
}

/** A key for what was last written, so an unchanged body or blocker set is not sent again. */
export const textKey = (title: string, body: string, draft: boolean) => sha256(JSON.stringify([title, body, draft])).slice(0, 16);
export const blockersKey = (refs: readonly PrRef[]) => refs.map((r) => r.number).join(",");

export const needsWrite = (done: Done, step: string, key: string) => done(step)?.detail !== key;

/** A repo has nothing left: pushed, and on a forge its PR is open (or found). */
export const prRepoComplete = (forgeOf: (repo: string) => string) => (repo: string, done: Done) =>
  done(PR_STEPS.pushed) !== undefined && (forgeOf(repo) === "none" || done(PR_STEPS.pr) !== undefined || done(PR_STEPS.found) !== undefined);

/** How the table names a step: the PR's number where there is one, not the journal's hashes. */
export function prStepLabel(s: StepRecord): string {
  if ((s.step === PR_STEPS.pr || s.step === PR_STEPS.found) && s.detail) return `${s.step} #${PrRef.parse(JSON.parse(s.detail)).number}`;
  return s.step;
}
