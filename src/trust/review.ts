// `blue realm trust`: every command the realm asks this repo to run, with what this machine says of it and the
// realm commit and author that last set it, so a person reviews the exact argv before it may run.
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { lastChange } from "../git/history.ts";
import type { RealmModel } from "../realm/load.ts";
import type { TrustedCommand } from "../realm/schema.ts";
import { sha256 } from "../store/hash.ts";
import { editYamlFile } from "../yaml/source.ts";
import { commandId, commandUses, decide } from "./consent.ts";
import { realmEntry, realmTrust, updateTrust, type Approval } from "./store.ts";

export const ReviewedCommand = z.object({
  id: z.string(),
  kind: z.enum(["extract", "hook"]),
  domain: z.string(),
  contract: z.string(),
  file: z.string(),
  field: z.string(),
  argv: z.array(z.string()),
  /** pinned: .blue/config.yaml pins this argv; approved: on this machine; untrusted: neither; differs: the
   *  config pins another argv for this file and field. */
  state: z.enum(["pinned", "approved", "untrusted", "differs"]),
  pinned_argv: z.array(z.string()).nullable(),
  commit: z.string().nullable(),
  author: z.string().nullable(),
  date: z.string().nullable(),
});
export type ReviewedCommand = z.infer<typeof ReviewedCommand>;

export const TrustReview = z.object({ realm: z.string(), repo: z.string(), commands: z.array(ReviewedCommand) });
export type TrustReview = z.infer<typeof TrustReview>;

export async function reviewCommands(o: { home: string; realm: string; repo: string; clone: string; model: RealmModel; pins: readonly TrustedCommand[] }): Promise<TrustReview> {
  const approvals = realmTrust(o.home, o.realm).commands;
  const uses = commandUses(o.model, o.repo);
  const changes = new Map(await Promise.all([...new Set(uses.map((u) => u.file))].map(async (f) => [f, await lastChange(o.clone, f)] as const)));
  const commands = uses.map((u): ReviewedCommand => {
    const v = decide(u, o.pins, approvals);
    const state = v.ok ? (v.by === "pin" ? "pinned" : "approved") : v.pinned ? "differs" : "untrusted";
    const change = changes.get(u.file);
    return {
      id: commandId(u, sha256),
      kind: u.kind,
      domain: u.domain,
      contract: u.contract,
      file: u.file,
      field: u.field,
      argv: u.argv,
      state,
      pinned_argv: v.ok ? null : (v.pinned ?? null),
      commit: change?.commit ?? null,
      author: change?.author ?? null,
      date: change?.date ?? null,
    };
  });
  return { realm: o.realm, repo: o.repo, commands };
}

/** The reviewed commands `ids` name (each id must name one); `all`: every one not yet trusted. */
export function pick(review: TrustReview, ids: readonly string[], all: boolean): ReviewedCommand[] {
  if (all) return review.commands.filter((c) => c.state === "untrusted" || c.state === "differs");
  return ids.map((id) => {
    const found = review.commands.filter((c) => c.id.startsWith(id));
    if (found.length === 1) return found[0]!;
    const known = review.commands.map((c) => c.id).join(", ") || "none";
    throw new UsageError(found.length ? `'${id}' names more than one command` : `no command of this repo's realm has id '${id}'`, `Run 'blue realm trust' to list them (ids: ${known}).`);
  });
}

/** Approve commands on this machine: each exact (file, field, argv), with the commit and author reviewed. */
export async function approveCommands(home: string, realm: string, chosen: readonly ReviewedCommand[], now: Date): Promise<void> {
  await updateTrust(home, (t) => {
    const e = realmEntry(t, realm);
    for (const c of chosen) {
      e.commands = e.commands.filter((a) => !(a.file === c.file && a.field === c.field));
      const approval: Approval = { file: c.file, field: c.field, argv: c.argv, approved_at: now.toISOString(), commit: c.commit, author: c.author };
      e.commands.push(approval);
    }
  });
}

/** Remove this machine's approvals whose id starts with `id`; returns what was removed. */
export async function revokeCommands(home: string, realm: string, id: string): Promise<Approval[]> {
  return updateTrust(home, (t) => {
    const e = realmEntry(t, realm);
    const gone = e.commands.filter((a) => commandId(a, sha256).startsWith(id));
    e.commands = e.commands.filter((a) => !gone.includes(a));
    return gone;
  });
}


/** Pin commands in the member repo's .blue/config.yaml (trusted_commands), replacing a pin of the same file and
 *  field: committed with the repo, the pin is what CI and teammates' machines run. */
export function pinCommands(configPath: string, chosen: readonly TrustedCommand[]): void {
  editYamlFile(configPath, (doc) => {
    const current = (doc.toJS() as { trusted_commands?: TrustedCommand[] }).trusted_commands ?? [];
    const kept = current.filter((p) => !chosen.some((c) => c.file === p.file && c.field === p.field));
    doc.set("trusted_commands", [...kept, ...chosen.map((c) => ({ file: c.file, field: c.field, argv: c.argv }))]);
  });
}
