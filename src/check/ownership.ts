// Who may change which file of a realm (RFC "Contract Ownership", realm.yaml `trust.permissions`): one commit
// judged from the realm as it was before it, the files it changes and its author. Pure: the caller reads git.
//
// A file's rule is the first pattern of `trust.permissions` that matches its path, else the first of
// DEFAULT_PERMISSIONS, else nobody's; a realm approver may change anything. Roles name who else may:
//   repo_maintainers  the maintainers of the repo `{repo}` names (repos/{repo}.yaml before the commit)
//   domain_owners     the maintainers of any member of the domain `{domain}` names (its domain.yaml before)
//   contract_owner    the maintainers of the owner of contract `{name}` (or `{contract}`) in `{domain}`, as
//                     named before the commit, so a commit cannot make itself the owner
// What did not exist before is read from the commit itself, with limits: a new contract's owner must be a repo
// the author maintains; a new repos/{repo}.yaml (a join) needs `admission: open` and its author among the
// maintainers it lists, and then counts as the repo's maintainers for the rest of that commit; a new domain's
// members are read from its new domain.yaml, and whoever may create it writes its members' first bindings.
import { ContractFile, DomainFile, Governance, RepoFile, SigningKey, Trust, type RealmFile } from "../realm/schema.ts";
import type { FileChange } from "../git/commits.ts";
import { fingerprintOf } from "./signing.ts";

/** The RFC's templates (as `blue realm admin init` writes them), and what it leaves implicit. */
export const DEFAULT_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  "realm.yaml": [],
  "repos/{repo}.yaml": ["repo_maintainers"],
  "domains/{domain}/domain.yaml": ["domain_owners"],
  "domains/{domain}/governance.yaml": ["domain_owners"],
  "domains/{domain}/contracts/{name}.yaml": ["contract_owner"],
  // A contract's waivers are its owner's, like the contract (issue 19); a realm approver approves them on the sync branch.
  "domains/{domain}/waivers/{name}.yaml": ["contract_owner"],
  "domains/{domain}/bindings/{repo}.yaml": ["repo_maintainers"],
};

/** The roles trust.permissions may name (RFC 0001, realm.yaml); any other lets nobody but approvers. */
export const ROLES: readonly string[] = ["repo_maintainers", "domain_owners", "contract_owner"];

/** Realm files by path, parsed (undefined: present but not YAML). */
export type Files = ReadonlyMap<string, unknown>;

export type Author = {
  email: string;
  /** The fingerprint (`SHA256:…`) of the key the commit's signature verified with, when the realm requires
   *  signed commits: then the author acts only where that key is recorded for their email. */
  key?: string;
};

export type CommitView = { before: Files; after: Files; changes: readonly FileChange[]; author: Author };

export type Violation = { path: string; message: string; domain: string; contract: string };

export type RealmRules = {
  approvers: string[];
  approverKeys: SigningKey[];
  admission: RealmFile["governance"]["admission"];
  requireSigned: boolean;
  permissions: [string, readonly string[]][];
};

type Entry = { maintainers: string[]; keys: SigningKey[] };

const lower = (s: string) => s.toLowerCase();
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
/** One field of a file that may be invalid elsewhere: its value when it is valid, else the fallback. */
function field<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, value: unknown, fallback: T): T {
  const r = schema.safeParse(value);
  return r.success ? r.data : fallback;
}
const keysIn = (v: unknown): SigningKey[] => (Array.isArray(v) ? v.flatMap((k) => field(SigningKey.array(), [k], [])) : []);
/** A file by path, either extension. */
const find = (files: Files, stem: string): { found: boolean; data: Record<string, unknown> } => {
  for (const p of [`${stem}.yaml`, `${stem}.yml`]) if (files.has(p)) return { found: true, data: asRecord(files.get(p)) };
  return { found: false, data: {} };
};

/** realm.yaml's governance and trust, field by field (a realm.yaml broken elsewhere still names its approvers). */
export function rulesOf(before: Files): RealmRules {
  const realm = asRecord(before.get("realm.yaml"));
  const gov = asRecord(realm.governance);
  const trust = asRecord(realm.trust);
  return {
    approvers: field(Governance.shape.approvers, gov.approvers, []).map(lower),
    approverKeys: keysIn(gov.signing_keys),
    admission: field(Governance.shape.admission, gov.admission, "approval"),
    requireSigned: field(Trust.shape.require_signed_commits, trust.require_signed_commits, false),
    permissions: Object.entries(field(Trust.shape.permissions, trust.permissions, {})),
  };
}

export function repoEntry(files: Files, repo: string): Entry | undefined {
  const { found, data } = find(files, `repos/${repo}`);
  return found ? { maintainers: field(RepoFile.shape.maintainers, data.maintainers, []).map(lower), keys: keysIn(data.signing_keys) } : undefined;
}

/** Whether `author` is a realm approver (with a key recorded for them in realm.yaml, when signatures count). */
export function isApprover(rules: RealmRules, author: Author): boolean {
  const email = lower(author.email);
  return rules.approvers.includes(email) && keyHolds(rules.approverKeys, author);
}

function keyHolds(keys: readonly SigningKey[], author: Author): boolean {
  return author.key === undefined || keys.some((k) => lower(k.email) === lower(author.email) && fingerprintOf(k.key) === author.key);
}

/** `{name}` matches one path segment; a `.yaml` ending matches `.yml` too. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      const v = /^\{([a-z_]+)\}$/.exec(part);
      if (v) {
        names.push(v[1]!);
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("")
    .replace(/\\\.yaml$/, "\\.ya?ml");
  const m = new RegExp(`^${source}$`).exec(path);
  return m ? Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) : undefined;
}

/** Where a realm file sits: its domain and contract, for findings. */
export function placeOf(path: string): { domain: string; contract: string } {
  const m = /^domains\/([^/]+)\/(?:(?:contracts|waivers)\/([^/]+)\.ya?ml$)?/.exec(path);
  return { domain: m?.[1] ?? "", contract: m?.[2] ?? "" };
}

/** The files `c` changes that its author may not change, each with who may. */
export function judgeCommit(c: CommitView): Violation[] {
  const rules = rulesOf(c.before);
  if (isApprover(rules, c.author)) return [];
  const judge = new Judge(c, rules);
  return c.changes.filter((ch) => !judge.may(ch)).map((ch) => ({ path: ch.path, message: judge.whoMay(ch.path), ...placeOf(ch.path) }));
}

class Judge {
  private readonly email: string;
  private readonly added: Set<string>;

  constructor(
    private readonly c: CommitView,
    private readonly rules: RealmRules,
  ) {
    this.email = lower(c.author.email);
    this.added = new Set(c.changes.filter((ch) => ch.kind === "added").map((ch) => ch.path));
  }

  may(ch: FileChange): boolean {
    if (ch.kind === "added" && this.firstBinding(ch.path)) return true;
    const { roles, vars } = this.ruleFor(ch.path);
    return roles.some((role) => this.holds(role, vars));
  }

  whoMay(path: string): string {
    const { pattern, roles, vars } = this.ruleFor(path);
    const known = roles.filter((role) => ROLES.includes(role));
    const who = known.map((role) => this.describe(role, vars, pattern));
    const approvers = `a realm approver (${this.rules.approvers.join(", ") || "none listed in realm.yaml"})`;
    const unknown = roles.filter((role) => !ROLES.includes(role)).map((role) => ` (trust.permissions '${pattern}' names unknown role '${role}')`);
    return `only ${[...who, approvers].join(" or ")} may change it${unknown.join("")}${this.keyNote(known, vars)}`;
  }

  private ruleFor(path: string): { pattern?: string; roles: readonly string[]; vars: Record<string, string> } {
    for (const [pattern, roles] of [...this.rules.permissions, ...Object.entries(DEFAULT_PERMISSIONS)]) {
      const vars = matchPattern(pattern, path);
      if (vars) return { pattern, roles, vars };
    }
    return { roles: [], vars: {} };
  }

  private holds(role: string, vars: Record<string, string>): boolean {
    if (role === "repo_maintainers") return vars.repo !== undefined && this.maintains(vars.repo);
    if (role === "domain_owners") return vars.domain !== undefined && this.members(vars.domain).some((m) => this.maintains(m));
    if (role === "contract_owner") {
      const owner = this.owner(vars);
      return owner !== undefined && this.maintains(owner);
    }
    return false;
  }

  private describe(role: string, vars: Record<string, string>, pattern: string | undefined): string {
    const maintainers = (repo: string) => {
      const entry = this.entry(repo);
      if (entry) return `${repo}'s maintainers (${entry.maintainers.join(", ") || "none listed"})`;
      const joining = this.added.has(`repos/${repo}.yaml`) || this.added.has(`repos/${repo}.yml`);
      return joining && this.rules.admission !== "open" ? `${repo}'s maintainers (it is joining, and admission is '${this.rules.admission}')` : `${repo}'s maintainers (none: it has not joined)`;
    };
    if (role === "repo_maintainers" && vars.repo) return maintainers(vars.repo);
    if (role === "domain_owners" && vars.domain) return `the maintainers of domain ${vars.domain}'s members (${this.members(vars.domain).join(", ") || "none"})`;
    if (role === "contract_owner") {
      const owner = this.owner(vars);
      if (owner) return `the maintainers of its owner, ${maintainers(owner)}`;
    }
    return `${role} (none: '${pattern}' names no ${role === "repo_maintainers" ? "{repo}" : role === "domain_owners" ? "{domain}" : "{domain} and {name}"})`;
  }

  /** When the author is listed but signed with a key recorded elsewhere, say so. */
  private keyNote(roles: readonly string[], vars: Record<string, string>): string {
    if (this.c.author.key === undefined) return "";
    const repos = roles.flatMap((role) =>
      role === "repo_maintainers" && vars.repo ? [vars.repo] : role === "contract_owner" ? [this.owner(vars) ?? ""] : role === "domain_owners" && vars.domain ? this.members(vars.domain) : [],
    );
    const listed = repos.filter((r) => r && this.entry(r)?.maintainers.includes(this.email));
    return listed.length ? ` (${this.c.author.email} is listed in repos/${listed[0]}.yaml, but the commit's key ${this.c.author.key} is not recorded for them there)` : "";
  }

  /** A repo's maintainers and keys: before the commit, or, for a repo joining in this commit, as it lists them. */
  private entry(repo: string): Entry | undefined {
    const before = repoEntry(this.c.before, repo);
    if (before) return before;
    const joining = this.added.has(`repos/${repo}.yaml`) || this.added.has(`repos/${repo}.yml`);
    return joining && this.rules.admission === "open" ? repoEntry(this.c.after, repo) : undefined;
  }

  private maintains(repo: string): boolean {
    const entry = this.entry(repo);
    return !!entry && entry.maintainers.includes(this.email) && keyHolds(entry.keys, this.c.author);
  }

  private members(domain: string): string[] {
    const before = find(this.c.before, `domains/${domain}/domain`);
    const files = before.found ? this.c.before : this.createsDomain(domain) ? this.c.after : undefined;
    return files ? field(DomainFile.shape.members, find(files, `domains/${domain}/domain`).data.members, []) : [];
  }

  private createsDomain(domain: string): boolean {
    return !find(this.c.before, `domains/${domain}/domain`).found && (this.added.has(`domains/${domain}/domain.yaml`) || this.added.has(`domains/${domain}/domain.yml`));
  }

  /** The owner of the contract the pattern's variables name: as before the commit, or as a new file names it. */
  private owner(vars: Record<string, string>): string | undefined {
    const name = vars.name ?? vars.contract;
    if (!vars.domain || !name) return undefined;
    const stem = `domains/${vars.domain}/contracts/${name}`;
    const before = find(this.c.before, stem);
    if (before.found) return field(ContractFile.shape.owner, before.data.owner, undefined);
    const added = this.added.has(`${stem}.yaml`) || this.added.has(`${stem}.yml`);
    return added ? field(ContractFile.shape.owner, find(this.c.after, stem).data.owner, undefined) : undefined;
  }

  /** A binding written in the commit that creates its domain, for one of its members, by someone who may create it. */
  private firstBinding(path: string): boolean {
    const m = /^domains\/([^/]+)\/bindings\/([^/]+)\.ya?ml$/.exec(path);
    if (!m || !this.createsDomain(m[1]!)) return false;
    const members = this.members(m[1]!);
    return members.includes(m[2]!) && this.may({ path: `domains/${m[1]}/domain.yaml`, kind: "added" });
  }
}
