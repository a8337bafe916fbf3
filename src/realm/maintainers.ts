// `blue realm admin maintainers add|remove`: who maintains a repo, and the SSH keys their signed commits are
// verified with. A pure plan from the realm model: the lists to write, or a refusal. Only a current maintainer
// of the repo or a realm approver may change them (the ownership check holds the realm's history to the same
// rule), and a repo never loses its last maintainer.
import { Refused, UnknownName, UsageError } from "../errors.ts";
import type { RealmModel } from "./load.ts";
import { SshPublicKey, type SigningKey } from "./schema.ts";

export type MaintainersChange = {
  action: "add" | "remove";
  repo: string;
  email: string;
  /** add: also record this key for the email; remove: remove only this key, not the maintainer. */
  key?: string;
  /** Who asks: the e-mail git commits as (src/git/identity.ts). */
  actor: string | undefined;
};

export type MaintainersPlan = {
  file: string;
  maintainers: string[];
  signing_keys: SigningKey[];
  /** What changed, for the output and the commit message; empty when nothing had to. */
  done: string[];
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Keys compare by type and blob: the comment is for people. */
const keyId = (key: string) => key.trim().split(/\s+/).slice(0, 2).join(" ");

export function planMaintainers(model: RealmModel, change: MaintainersChange): MaintainersPlan {
  const { repo, email, action } = change;
  if (!/^[^\s@,]+@[^\s@,]+$/.test(email)) throw new UsageError(`'${email}' is not an email address`, "Give the email their commits carry (git config user.email), like carol@example.com.");
  if (change.key !== undefined && !SshPublicKey.safeParse(change.key.trim()).success) {
    throw new UsageError("--key must be an SSH public key like 'ssh-ed25519 AAAA… comment'", "Give the one line of your .pub file, e.g. --key \"$(cat ~/.ssh/id_ed25519.pub)\".");
  }
  const file = model.repos.get(repo);
  if (!file) {
    throw new UnknownName(`unknown repo '${repo}' in realm '${model.realm?.name}'`, `Repos: ${[...model.repos.keys()].join(", ") || "none yet"}.`, repo, [...model.repos.keys()]);
  }
  const approvers = model.realm?.governance.approvers ?? [];
  const actor = change.actor ?? "";
  if (!file.maintainers.some((m) => same(m, actor)) && !approvers.some((a) => same(a, actor))) {
    throw new Refused(
      `${actor || "you (no git user.email)"} may not change ${repo}'s maintainers: only its maintainers (${file.maintainers.join(", ") || "none"}) or a realm approver (${approvers.join(", ") || "none"}) may`, "Ask one of them to run the command, or to add you first.",
    );
  }
  let maintainers = [...file.maintainers];
  let keys = [...(file.signing_keys ?? [])];
  const done: string[] = [];
  const key = change.key?.trim();
  if (action === "add") {
    if (!maintainers.some((m) => same(m, email))) {
      maintainers.push(email);
      done.push(`Added maintainer ${email}`);
    }
    if (key && !keys.some((k) => same(k.email, email) && keyId(k.key) === keyId(key))) {
      keys.push({ email, key });
      done.push(`Added a signing key of ${email}`);
    }
  } else if (key) {
    const kept = keys.filter((k) => !(same(k.email, email) && keyId(k.key) === keyId(key)));
    if (kept.length === keys.length) throw new Refused(`${repo} records no such key for ${email}`, `See the keys recorded in repos/${repo}.yaml of the realm (signing_keys).`);
    keys = kept;
    done.push(`Removed a signing key of ${email}`);
  } else {
    if (!maintainers.some((m) => same(m, email))) throw new Refused(`${email} is not a maintainer of ${repo}`, `See its maintainers in repos/${repo}.yaml of the realm.`);
    maintainers = maintainers.filter((m) => !same(m, email));
    if (maintainers.length === 0) {
      throw new Refused(`${email} is ${repo}'s last maintainer: a repo keeps at least one`, `Add another first: blue realm admin maintainers add --repo ${repo} <email>`);
    }
    const before = keys.length;
    keys = keys.filter((k) => !same(k.email, email));
    done.push(`Removed maintainer ${email}${keys.length < before ? " and their signing keys" : ""}`);
  }
  return { file: `repos/${repo}.yaml`, maintainers, signing_keys: keys, done };
}
