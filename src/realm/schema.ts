// Zod schemas of every realm file and of a member repo's .blue/config.yaml: the only source of their types
// and of the JSON Schemas that `blue schema <kind>` prints for editors.
import semver from "semver";
import { z } from "zod";
import { NAME_MAX, NAME_RE } from "./names.ts";

// A CLI parses each schema a handful of times per run: compiling parsers first (zod's JIT) costs more than it saves.
z.config({ jitless: true });

/** A realm, repo, domain or contract name: safe as a file name and in a git branch (names.ts, without zod). */
export const Name = z
  .string()
  .max(NAME_MAX, `must be at most ${NAME_MAX} characters`)
  .regex(NAME_RE, "must start with a lowercase letter or digit and use only a-z, 0-9, '.', '_' and '-'")
  .refine((s) => !s.includes(".."), "must not contain '..'");

export const SemVer = z
  .string()
  .refine((v) => semver.valid(v) === v, "must be a semantic version like 1.4.0");

/** node-semver ranges; a comma also means AND, so the RFC's `">=1.0.0, <2.0.0"` (Cargo style) is accepted. */
export function normalizeRange(range: string): string {
  return range.replace(/\s*,\s*/g, " ").trim();
}
export const SemVerRange = z
  .string()
  .refine((r) => semver.validRange(normalizeRange(r)) !== null, "must be a semver range like '>=1.0.0 <2.0.0' or '^1.4.0'");

const Timestamp = z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp like 2026-01-24T10:00:00Z" });
const Email = z.string().min(1);
/** A path inside a repo: relative, no `..` segment (hooks and sources are confined to the repo). */
export const RepoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), "must be a relative path inside the repo, without '..'");

/** An SSH public key as in authorized_keys (`ssh-ed25519 AAAA… comment`): what a commit's signature is
 *  verified against when the realm requires signed commits. One line; the comment is for people. */
export const SshPublicKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/,
    "must be an SSH public key like 'ssh-ed25519 AAAA… comment'",
  );

/** One signing key of a person, named by the email their commits carry. */
export const SigningKey = z.strictObject({ email: Email, key: SshPublicKey });

export const Governance = z.strictObject({
  admission: z.enum(["open", "approval", "invite-only"]).default("approval"),
  approvers: z.array(Email).default([]),
  /** The approvers' SSH signing keys (trust.require_signed_commits); changed, like all of realm.yaml, by approvers only. */
  signing_keys: z.array(SigningKey).optional(),
  breaking_changes: z
    .strictObject({
      require_approval: z.boolean().default(true),
      grace_period_days: z.number().int().min(0).default(14),
    })
    .default({ require_approval: true, grace_period_days: 14 }),
});

export const Trust = z.strictObject({
  mode: z.enum(["collaborative", "vendor-customer", "federation"]).default("collaborative"),
  require_signed_commits: z.boolean().default(false),
  permissions: z.record(z.string(), z.array(z.string())).default({}),
});

/** Where sync PRs go. Detected from the realm URL when absent (Sync issue). */
export const ForgeConfig = z.strictObject({
  type: z.enum(["forgejo", "github", "none"]),
  url: z.string().optional(),
  repo: z.string().optional(),
});

/** realm.yaml */
export const RealmFile = z.strictObject({
  name: Name,
  version: z.string().default("1.0.0"),
  /** The oldest blue that reads this realm right (format.ts); raised by blue when a write starts using something
   *  older blues would misread (write.ts, REALM_FEATURES). */
  min_blue_version: SemVer.optional(),
  description: z.string().optional(),
  created_at: Timestamp,
  forge: ForgeConfig.optional(),
  governance: Governance.default(Governance.parse({})),
  trust: Trust.default(Trust.parse({})),
});

/** repos/{repo}.yaml */
export const RepoFile = z.strictObject({
  name: Name,
  org: z.string().optional(),
  path: z.string().optional(),
  url: z.string().optional(),
  maintainers: z.array(Email).default([]),
  /** The maintainers' SSH signing keys (trust.require_signed_commits): a key here proves its email only for this repo. */
  signing_keys: z.array(SigningKey).optional(),
  joined_at: Timestamp,
});

/** domains/{domain}/domain.yaml */
export const DomainFile = z.strictObject({
  name: Name,
  description: z.string().optional(),
  created_at: Timestamp,
  members: z.array(Name).min(1, "a domain needs at least one member"),
});

/** domains/{domain}/governance.yaml: optional overrides of the realm's governance for one domain. */
export const DomainGovernanceFile = z.strictObject({
  breaking_changes: Governance.shape.breaking_changes.optional(),
  approvers: z.array(Email).optional(),
});

export const Compatibility = z.strictObject({
  backwards: z.boolean().default(true),
  forwards: z.boolean().default(false),
});

export const Validation = z.strictObject({
  exporter: RepoPath.optional(),
  importer: RepoPath.optional(),
  ci_only: z.array(RepoPath).default([]),
});

export const EvolutionEntry = z.strictObject({
  version: SemVer,
  changes: z.array(z.string()).default([]),
  compatible: z.boolean(),
  published_at: Timestamp.optional(),
});

/** domains/{domain}/contracts/{contract}.yaml */
export const ContractFile = z.strictObject({
  name: Name,
  version: SemVer,
  owner: Name,
  description: z.string().optional(),
  compatibility: Compatibility.default({ backwards: true, forwards: false }),
  schema: z.record(z.string(), z.unknown()),
  value: z.unknown().refine((v) => v !== undefined, "is required"),
  validation: Validation.optional(),
  evolution: z.array(EvolutionEntry).default([]),
});

/** A calendar day, `YYYY-MM-DD`, that is a real date. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-31")
  .refine((d) => {
    // Engines differ on 2026-02-30: some roll it over, some refuse it. Neither is the day written.
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, "must be a real date like 2026-12-31");

/** One waiver of a compatibility finding (issue 19): the finding's rule and schema pointer, for the change away
 *  from contract version `from` (any comparison whose old side is at or before `from` and new side after it),
 *  honoured through the day `until` (UTC), then failing again. */
export const Waiver = z.strictObject({
  rule: z.string().min(1),
  pointer: z.string().refine((p) => p === "" || p.startsWith("/"), "must be a JSON pointer: '' (the schema's root) or starting with '/'"),
  from: SemVer,
  until: Day,
  reason: z.string().min(1),
  recorded_by: Email,
  recorded_at: Timestamp,
});

/** domains/{domain}/waivers/{contract}.yaml: the waivers of one contract, changed by its owner with a realm approver's approval. */
export const WaiverFile = z.strictObject({
  contract: Name,
  waivers: z.array(Waiver).default([]),
});

/** How the provider's current value is read from its code (DESIGN.md §4). */
export const Extract = z.union([
  z.strictObject({ file: RepoPath, pointer: z.string().default("") }),
  z.strictObject({ command: z.union([RepoPath, z.array(z.string()).min(1)]) }),
]);

export const ExportBinding = z.strictObject({
  contract: Name,
  source_files: z.array(RepoPath).default([]),
  extract: Extract.optional(),
  schema_file: RepoPath.optional(),
});

export const ImportBinding = z.strictObject({
  contract: Name,
  version: SemVerRange,
  binding: RepoPath.optional(),
  status: z.enum(["pending", "current", "stale", "broken"]).default("pending"),
  resolved_version: SemVer.optional(),
  resolved_at: Timestamp.optional(),
});

/** domains/{domain}/bindings/{repo}.yaml */
export const BindingFile = z.strictObject({
  repo: Name,
  role: z.enum(["provider", "consumer"]),
  exports: z.array(ExportBinding).default([]),
  imports: z.array(ImportBinding).default([]),
});

/** A command blue may run for this repo, pinned where realm content cannot reach it (DESIGN.md §4): the realm
 *  file and field that name it, and its exact argv. Run only while the realm says exactly this. */
export const TrustedCommand = z.strictObject({
  file: z.string().min(1),
  field: z.string().min(1),
  argv: z.array(z.string()).min(1),
});

/** {repo}/.blue/config.yaml: membership, and the commands this repo's team pinned; the realm holds the rest. */
export const LocalConfig = z.strictObject({
  realm: z.strictObject({ name: Name, url: z.string().min(1) }),
  repo: Name,
  trusted_commands: z.array(TrustedCommand).optional(),
});

export type RealmFile = z.infer<typeof RealmFile>;
export type ForgeConfig = z.infer<typeof ForgeConfig>;
export type RepoFile = z.infer<typeof RepoFile>;
export type SigningKey = z.infer<typeof SigningKey>;
export type DomainFile = z.infer<typeof DomainFile>;
export type DomainGovernanceFile = z.infer<typeof DomainGovernanceFile>;
export type ContractFile = z.infer<typeof ContractFile>;
export type Waiver = z.infer<typeof Waiver>;
export type WaiverFile = z.infer<typeof WaiverFile>;
export type BindingFile = z.infer<typeof BindingFile>;
export type ExportBinding = z.infer<typeof ExportBinding>;
export type ImportBinding = z.infer<typeof ImportBinding>;
export type LocalConfig = z.infer<typeof LocalConfig>;
export type TrustedCommand = z.infer<typeof TrustedCommand>;

/** The kinds `blue schema <kind>` knows, each with where such a file lives. */
export const fileKinds = {
  realm: { schema: RealmFile, path: "realm.yaml" },
  repo: { schema: RepoFile, path: "repos/{repo}.yaml" },
  domain: { schema: DomainFile, path: "domains/{domain}/domain.yaml" },
  governance: { schema: DomainGovernanceFile, path: "domains/{domain}/governance.yaml" },
  contract: { schema: ContractFile, path: "domains/{domain}/contracts/{contract}.yaml" },
  waiver: { schema: WaiverFile, path: "domains/{domain}/waivers/{contract}.yaml" },
  binding: { schema: BindingFile, path: "domains/{domain}/bindings/{repo}.yaml" },
  config: { schema: LocalConfig, path: "{repo}/.blue/config.yaml" },
} as const;
export type FileKind = keyof typeof fileKinds;

export function jsonSchemaOf(kind: FileKind): Record<string, unknown> {
  const { schema, path } = fileKinds[kind];
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...js, $id: `urn:blue:schema:${kind}`, title: `blue ${kind} file (${path})` };
}
