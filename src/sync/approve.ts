// `blue realm approve`: a realm approver approves an open sync branch (a breaking change needs that when the
// realm's governance says `require_approval`). On plain git the approval is a signed-off commit on the branch
// by the approver; on a forge it is a PR review. Then whatever is due merges.
import { Refused, UsageError } from "../errors.ts";
import type { SyncHost } from "./host.ts";
import { identityEmail, requireGitIdentity } from "../git/identity.ts";
import { commitSyncBranch, fetchRealm } from "./branches.ts";
import { withLock } from "../system/lock.ts";
import { loadValidRealm } from "../realm/load.ts";
import { readPending, settle, type SyncReport } from "./run.ts";

export async function runApprove(o: { realm: string; clone: string; branch: string; host: SyncHost; now: Date }): Promise<{ branch: string; approver: string; merges: SyncReport["merges"] }> {
  return withLock(`${o.clone}.lock`, async () => {
    await fetchRealm(o.clone);
    const { model } = loadValidRealm(o.clone, o.realm);
    const pending = await readPending(o.clone, model);
    const p = pending.find((x) => x.branch === o.branch || `#${x.branch}` === o.branch);
    if (!p) {
      const open = pending.map((x) => x.branch);
      throw new UsageError(`no open sync branch '${o.branch}' in realm '${o.realm}'`, open.length ? `Open: ${open.join(", ")}` : "There are no open sync branches.");
    }
    if (o.host.kind === "none") await requireGitIdentity(o.clone);
    // A plain-git approval counts when its commit's committer is the approver it names (sync/pending.ts).
    const email = (await identityEmail(o.clone, "committer")) ?? "";
    const approvers = new Set<string>();
    for (const u of [...p.updates, ...(p.waivers ?? [])]) {
      const d = model.domains.get(u.domain);
      for (const a of d?.governance?.approvers ?? model.realm?.governance.approvers ?? []) approvers.add(a.toLowerCase());
    }
    if (o.host.kind === "none" && !approvers.has(email.toLowerCase())) {
      throw new Refused(`${email || "you (no git user.email)"} is not a realm approver for ${p.branch}`, `Approvers: ${[...approvers].join(", ") || "none (governance.approvers in realm.yaml)"}`);
    }
    if (o.host.kind === "none") {
      await commitSyncBranch(o.clone, {
        branch: p.branch,
        start: `origin/${p.branch}`,
        message: `Approve ${p.branch}\n\nApproved-by: ${email}`,
        signoff: true,
        edit: () => undefined,
      });
    } else {
      await o.host.approve(p.branch);
    }
    return { branch: p.branch, approver: email, merges: await settle(o.clone, o.realm, o.host, o.now) };
  });
}
