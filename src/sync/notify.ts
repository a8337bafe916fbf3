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
