// Contract changes between two states of a realm, as the notifications they owe the importing repos.
// Pure: the daemon calls it with the model before and after it fetched the realm.
import semver from "semver";
import type { RealmModel } from "../realm/load.ts";
import type { PendingSync } from "./pending.ts";
import { importersOf } from "../realm/view.ts";

export type ContractNotice = {
  realm: string;
  domain: string;
  contract: string;
  from_repo: string;
  change_type: "new" | "updated" | "breaking";
  version: string;
  changes: string[];
  recipients: string[];
};

export function contractNotices(realm: string, before: RealmModel, after: RealmModel): ContractNotice[] {
  const notices: ContractNotice[] = [];
  for (const [dname, d] of after.domains) {
    for (const [cname, c] of d.contracts) {
      const old = before.domains.get(dname)?.contracts.get(cname);
      if (old && old.version === c.version) continue;
      const recipients = importersOf(after, dname, cname).map((i) => i.repo);
      if (recipients.length === 0) continue;
      const major = old !== undefined && semver.valid(old.version) && semver.valid(c.version) && semver.major(c.version) > semver.major(old.version);
      const entry = c.evolution.find((e) => e.version === c.version);
      notices.push({
        realm,
        domain: dname,
        contract: cname,
        from_repo: c.owner,
        change_type: old === undefined ? "new" : major || entry?.compatible === false ? "breaking" : "updated",
        version: c.version,
        changes: entry?.changes ?? [],
        recipients,
      });
    }
  }
  return notices;
}

/** Contract versions proposed on open sync branches, as notices for the importers (they must acknowledge them). */
export function pendingNotices(realm: string, main: RealmModel, pending: readonly PendingSync[]): ContractNotice[] {
  return pending.flatMap((p) =>
    p.updates.flatMap((u) => {
      const recipients = importersOf(main, u.domain, u.contract).map((i) => i.repo).filter((r) => r !== p.repo);
      if (recipients.length === 0) return [];
      return [{ realm, domain: u.domain, contract: u.contract, from_repo: p.repo, change_type: u.compatible ? ("updated" as const) : ("breaking" as const), version: u.version, changes: u.changes, recipients }];
    }),
  );
}

/** Published versions some importer has not resolved yet, as notices for those importers: what a daemon that
 *  never saw the change land (it was not running, or is new on this machine) still owes them. */
export function unresolvedNotices(realm: string, model: RealmModel): ContractNotice[] {
  const notices: ContractNotice[] = [];
  for (const [dname, d] of model.domains) {
    for (const [cname, c] of d.contracts) {
      if (!semver.valid(c.version)) continue;
      const behind = [...d.bindings.values()].flatMap((b) =>
        // An import never resolved is shown as such by status ("not resolved yet"); one that fell behind is owed.
        b.imports.filter((i) => i.contract === cname && i.resolved_version && semver.valid(i.resolved_version) && semver.gt(c.version, i.resolved_version)).map((i) => ({ repo: b.repo, resolved: i.resolved_version })),
      );
      if (behind.length === 0) continue;
      const entry = c.evolution.find((e) => e.version === c.version);
      const major = behind.some((x) => x.resolved && semver.valid(x.resolved) && semver.major(c.version) > semver.major(x.resolved));
      notices.push({
        realm,
        domain: dname,
        contract: cname,
        from_repo: c.owner,
        change_type: major || entry?.compatible === false ? "breaking" : "updated",
        version: c.version,
        changes: entry?.changes ?? [],
        recipients: behind.map((x) => x.repo).sort(),
      });
    }
  }
  return notices;
}

export type VersionRef = { domain: string; contract: string; version: string };

/** Of the versions closed sync branches proposed (sync/closed.ts records), those whose notices are withdrawn: main
 *  never had them and no open sync branch proposes them now (a provider that proposes one again makes it owed again). */
export function withdrawnVersions(closed: readonly VersionRef[], main: RealmModel, open: readonly PendingSync[]): VersionRef[] {
  return closed.filter((w) => {
    const c = main.domains.get(w.domain)?.contracts.get(w.contract);
    if (c && (c.version === w.version || c.evolution.some((e) => e.version === w.version))) return false;
    return !open.some((p) => p.updates.some((u) => u.domain === w.domain && u.contract === w.contract && u.version === w.version));
  });
}

export type PendingAckLike = { domain: string; repo: string; contract: string; resolved_version: string };

/** Whether a notice of `version` still concerns `repo`: it still imports the contract, and neither main nor an open
 *  sync branch of its own resolves it at that version or later (its acknowledgement clears it, on every machine). */
export function stillPending(n: { domain: string; contract: string; version: string | null }, repo: string, model: RealmModel, acks: readonly PendingAckLike[]): boolean {
  const imp = model.domains.get(n.domain)?.bindings.get(repo)?.imports.find((i) => i.contract === n.contract);
  if (!imp) return false;
  if (!n.version || !semver.valid(n.version)) return true;
  const covers = (v: string | undefined) => v !== undefined && semver.valid(v) !== null && semver.gte(v, n.version!);
  if (covers(imp.resolved_version)) return false;
  return !acks.some((a) => a.repo === repo && a.domain === n.domain && a.contract === n.contract && covers(a.resolved_version));
}

/** A notification's name on every machine: what it is about, not a row number. */
export function notificationKey(n: { domain: string; contract: string; version: string | null }): string {
  return `${n.domain}/${n.contract}@${n.version ?? "?"}`;
}
