// `blue realm check --mode=ownership`, run in a clone of the realm repo (its CI): every commit in a range is
// judged by ownership.ts against the realm as it was before it, and, when the realm requires signed commits,
// its signature is verified by git against the keys the realm recorded before it. A merge by a realm approver
// approves what it brings in: those commits' ownership findings are kept, as info.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { broughtIn, commitsInRange, isShallow, realmTree, resolveRange, signatureOf, type RangeCommit } from "../git/commits.ts";
import { parseQuietly, readBlobs } from "../git/history.ts";
import type { CheckReport, Finding } from "./findings.ts";
import { summarize } from "./findings.ts";
import { isApprover, judgeCommit, placeOf, rulesOf, type Author, type Files } from "./ownership.ts";
import { allowedSigners, keysFor, signatureProblem } from "./signing.ts";

/** The files whose content before a commit the rules read: realm.yaml, every repo, and the domain.yaml and
 *  contracts of the domains the commit touches. */
function wantedBefore(path: string, touched: ReadonlySet<string>): boolean {
  if (path === "realm.yaml" || /^repos\/[^/]+\.ya?ml$/.test(path)) return true;
  const m = /^domains\/([^/]+)\/(domain\.ya?ml|contracts\/[^/]+\.ya?ml)$/.exec(path);
  return !!m && touched.has(m[1]!);
}

/** New files whose content the rules read (a join's repo file, a new domain, a new contract's owner). Names with
 *  control characters are not read: without their content such a change is simply not allowed. */
const WANTED_AFTER = /^(repos\/[^/\0-\x1f]+|domains\/[^/\0-\x1f]+\/(domain|contracts\/[^/\0-\x1f]+))\.ya?ml$/;

const short = (sha: string) => sha.slice(0, 7);

export async function checkOwnership(target: { realmDir: string; realm: string }, opts: { from?: string; to?: string }): Promise<CheckReport> {
  const dir = target.realmDir;
  const range = await resolveRange(dir, opts.from, opts.to);
  const commits = await commitsInRange(dir, range.from, range.to);
  // A commit without a parent is the realm's founding only when it is the one first commit of the whole history
  // checked; any other (an unrelated history merged in) cannot be judged, and a shallow clone cannot tell.
  const roots = commits.filter((c) => c.parents.length === 0);
  if (roots.length > 0 && (await isShallow(dir))) {
    throw new UsageError("this clone of the realm is shallow, and the range reaches past the history it holds", "Fetch the whole history (git fetch --unshallow; in CI, a checkout with fetch-depth 0), then run the check again.");
  }
  const founding = range.from === undefined && roots.length === 1 && commits[0] === roots[0] ? roots[0] : undefined;
  const befores = await realmBefore(dir, commits);
  const afterTexts = await readBlobs(
    dir,
    commits.flatMap((c) => c.changes.filter((ch) => ch.kind === "added" && WANTED_AFTER.test(ch.path)).map((ch) => `${c.sha}:${ch.path}`)),
  );

  const findings: Finding[] = [];
  const approvers: RangeCommit[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "blue-signers-"));
  try {
    for (const c of commits) {
      const before = befores.get(c.sha);
      const finding = (f: { rule: string; message: string; contract?: string; domain?: string; file?: string }): Finding => ({
        rule: f.rule,
        severity: "error",
        mode: "ownership",
        contract: f.contract ?? "",
        domain: f.domain ?? "",
        ...(f.file !== undefined ? { file: f.file } : {}),
        message: f.message,
        commit: c.sha,
        author: c.email,
      });
      if (c === founding) continue; // the realm's first commit founds it: there is nobody yet whose files it could change
      if (!before) {
        findings.push(finding({ rule: "unrelated-history", message: "has no parent but is not the realm's first commit: what it brings cannot be judged against the realm" }));
        continue;
      }
      const after: Files = new Map(c.changes.filter((ch) => afterTexts.has(`${c.sha}:${ch.path}`)).map((ch) => [ch.path, parseQuietly(afterTexts.get(`${c.sha}:${ch.path}`)!)]));
      const rules = rulesOf(before);
      const author: Author = { email: c.email };
      if (rules.requireSigned) {
        const file = join(scratch, `${c.sha}.allowed`);
        writeFileSync(file, allowedSigners(keysFor(before, after, c.changes, c.email)));
        const sig = await signatureOf(dir, c.sha, file);
        const problem = signatureProblem(sig, c.email);
        if (problem) {
          findings.push(finding(problem));
          continue;
        }
        author.key = sig.fingerprint;
      }
      for (const v of judgeCommit({ before, after, changes: c.changes, author })) {
        findings.push(finding({ rule: "ownership-violation", contract: v.contract, domain: v.domain, file: v.path, message: v.message }));
      }
      if (c.parents.length > 1 && isApprover(rules, author)) approvers.push(c);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  // What an approver merged was reviewed: its ownership findings stay in the report, as info.
  for (const merge of approvers) {
    const approved = new Set(await broughtIn(dir, merge));
    for (const f of findings) {
      if (f.rule !== "ownership-violation" || f.severity !== "error" || !approved.has(f.commit!)) continue;
      f.severity = "info";
      f.message += `; approved: merged by ${merge.email} in ${short(merge.sha)}`;
    }
  }

  return {
    realm: target.realm,
    repo: null,
    modes: ["ownership"],
    findings,
    checked: [],
    summary: summarize(findings),
    compatibility: [],
    ownership: { from: range.from ?? null, to: range.to, commits: commits.length },
  };
}

/** Each commit's realm as it was before it (its first parent's), parsed; every blob read once, by one git. */
async function realmBefore(dir: string, commits: readonly RangeCommit[]): Promise<Map<string, Files>> {
  const trees = new Map<string, Map<string, string>>();
  const parents = [...new Set(commits.flatMap((c) => c.parents.slice(0, 1)))];
  // A few at a time: a long range must not start hundreds of gits at once.
  for (let i = 0; i < parents.length; i += 8) {
    const batch = parents.slice(i, i + 8);
    const listed = await Promise.all(batch.map((p) => realmTree(dir, p)));
    batch.forEach((p, j) => trees.set(p, listed[j]!));
  }
  const wanted = new Map<string, [string, string][]>();
  for (const c of commits) {
    const parent = c.parents[0];
    if (!parent) continue;
    const touched = new Set(c.changes.map((ch) => placeOf(ch.path).domain).filter(Boolean));
    wanted.set(c.sha, [...trees.get(parent)!].filter(([path]) => wantedBefore(path, touched)));
  }
  const texts = await readBlobs(dir, [...new Set([...wanted.values()].flatMap((files) => files.map(([, oid]) => oid)))]);
  const parsed = new Map<string, unknown>();
  const parse = (oid: string) => {
    if (!parsed.has(oid)) parsed.set(oid, texts.has(oid) ? parseQuietly(texts.get(oid)!) : undefined);
    return parsed.get(oid);
  };
  return new Map([...wanted].map(([sha, files]) => [sha, new Map(files.map(([path, oid]) => [path, parse(oid)]))]));
}
