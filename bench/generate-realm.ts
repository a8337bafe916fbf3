// Generates a synthetic realm in a temp dir, deterministically (same sizes → same files and commit ids):
// `repos` repos joined, `domains` domains each shared by a provider and a consumer, `contracts` contracts
// spread over the domains, each with `versions` versions in the realm's git history (one commit per version,
// each adding a property: a minor bump) and a schema of `properties` properties.
//   bun bench/generate-realm.ts <dir> [contracts] [versions] [properties]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type RealmSize = { repos: number; domains: number; contracts: number; versions: number; properties: number; unpublished?: boolean };

const DATE = "2026-01-24T10:00:00Z";
const PROP_TYPES = [
  (i: number) => ({ schema: `{ type: string, maxLength: ${64 + i} }`, value: `"v${i}"` }),
  (i: number) => ({ schema: `{ type: integer, minimum: 0, maximum: ${1000 + i} }`, value: String(i) }),
  (i: number) => ({ schema: `{ type: array, items: { type: string } }`, value: `["a${i}", "b${i}"]` }),
  (i: number) => ({ schema: `{ type: string, enum: [red, green, blue${i}] }`, value: "green" }),
  (i: number) => ({ schema: `{ type: boolean }`, value: i % 2 ? "true" : "false" }),
];

/** The contract file's text at version index `v` (0-based): `base + v` properties, version 1.v.0. */
export function contractText(name: string, owner: string, properties: number, versions: number, v: number, seed = 0): string {
  const count = Math.max(1, properties - (versions - 1) + v);
  const props: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    // `seed` makes each contract's schema its own (no two compile to the same validator), as in a real realm.
    const p = PROP_TYPES[i % PROP_TYPES.length]!(i + seed);
    props.push(`    p${i}: ${p.schema}`);
    values.push(`  p${i}: ${p.value}`);
  }
  const evolution: string[] = [];
  for (let k = 0; k <= v; k++) {
    evolution.push(`  - version: "1.${k}.0"\n    changes: ["${k === 0 ? "Initial" : `Added p${count - v + k - 1}`}"]\n    compatible: true`);
  }
  return [
    `name: ${name}`,
    `version: "1.${v}.0"`,
    `owner: ${owner}`,
    "compatibility:",
    "  backwards: false",
    "  forwards: true",
    "schema:",
    "  type: object",
    "  required: [p0]",
    "  additionalProperties: false",
    "  properties:",
    ...props,
    "value:",
    ...values,
    "evolution:",
    ...evolution,
    "",
  ].join("\n");
}

export function generateRealm(dir: string, size: RealmSize, git: (args: string[]) => void): { contracts: { domain: string; name: string; file: string }[] } {
  mkdirSync(join(dir, "repos"), { recursive: true });
  writeFileSync(join(dir, "realm.yaml"), `name: bench\nversion: "1.0.0"\ncreated_at: ${DATE}\n`);
  const repoName = (i: number) => `repo-${String(i).padStart(4, "0")}`;
  for (let r = 0; r < size.repos; r++) {
    writeFileSync(join(dir, "repos", `${repoName(r)}.yaml`), `name: ${repoName(r)}\nmaintainers: [team${r}@example.com]\njoined_at: ${DATE}\n`);
  }
  const contracts: { domain: string; name: string; file: string; owner: string }[] = [];
  for (let d = 0; d < size.domains; d++) {
    const domain = `domain-${String(d).padStart(4, "0")}`;
    // Each domain: provider = repo i, consumer = repo i+1 with i < repos-1 (edges only go up: no cycle).
    const i = d % Math.max(1, size.repos - 1);
    const provider = repoName(i);
    const consumer = repoName(Math.min(i + 1, size.repos - 1));
    const base = join(dir, "domains", domain);
    mkdirSync(join(base, "contracts"), { recursive: true });
    mkdirSync(join(base, "bindings"), { recursive: true });
    writeFileSync(join(base, "domain.yaml"), `name: ${domain}\ncreated_at: ${DATE}\nmembers: [${provider}, ${consumer}]\n`);
    const mine: string[] = [];
    for (let c = d; c < size.contracts; c += size.domains) mine.push(`contract-${String(c).padStart(5, "0")}`);
    for (const name of mine) contracts.push({ domain, name, owner: provider, file: `domains/${domain}/contracts/${name}.yaml` });
    const exp = mine.map((n) => `  - contract: ${n}\n    source_files: [config/${n}.json]\n    extract: { file: config/${n}.json, pointer: /value }`).join("\n");
    const imp = mine.map((n) => `  - contract: ${n}\n    version: "^1.0.0"\n    status: current\n    resolved_version: "1.${size.versions - 1}.0"`).join("\n");
    writeFileSync(join(base, "bindings", `${provider}.yaml`), `repo: ${provider}\nrole: provider\nexports:\n${exp}\n`);
    if (consumer !== provider) writeFileSync(join(base, "bindings", `${consumer}.yaml`), `repo: ${consumer}\nrole: consumer\nimports:\n${imp}\n`);
  }
  for (let v = 0; v < size.versions; v++) {
    contracts.forEach((c, i) => writeFileSync(join(dir, c.file), contractText(c.name, c.owner, size.properties, size.versions, v, i)));
    git(["add", "-A"]);
    git(["commit", "-q", "-m", `version 1.${v}.0 of every contract`]);
  }
  // One contract in twenty has a change not yet published (a new optional property, a minor bump), so contract
  // mode also compares against the realm's history.
  if (size.unpublished !== false) contracts.forEach((c, i) => {
    if (i % 20 === 0) writeFileSync(join(dir, c.file), contractText(c.name, c.owner, size.properties + 1, size.versions + 1, size.versions, i));
  });
  return { contracts };
}

if (import.meta.main) {
  const [dir, contracts = "100", versions = "3", properties = "20"] = process.argv.slice(2);
  if (!dir) throw new Error("usage: bun bench/generate-realm.ts <dir> [contracts] [versions] [properties]");
  const n = Number(contracts);
  mkdirSync(dir, { recursive: true });
  const git = (args: string[]) => {
    const r = Bun.spawnSync(["git", ...args], { cwd: dir, env: { ...process.env, ...gitEnv() }, stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  };
  git(["init", "-q", "-b", "main"]);
  generateRealm(dir, sizeFor(n, Number(versions), Number(properties)), git);
  console.log(dir);
}

/** The benchmark's proportions: ten contracts a domain, fifty a repo. */
export function sizeFor(contracts: number, versions = 3, properties = 20): RealmSize {
  return { repos: Math.max(2, Math.ceil(contracts / 50)), domains: Math.max(1, Math.ceil(contracts / 10)), contracts, versions, properties };
}

/** Fixed identity and dates, so commit ids are the same on every run. */
export function gitEnv(): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: "Bench",
    GIT_AUTHOR_EMAIL: "bench@example.com",
    GIT_COMMITTER_NAME: "Bench",
    GIT_COMMITTER_EMAIL: "bench@example.com",
    GIT_AUTHOR_DATE: "2026-01-24T10:00:00Z",
    GIT_COMMITTER_DATE: "2026-01-24T10:00:00Z",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
}

/** The schema of a contract with `properties` properties (contractText's, version 1.0.0). */
export function schemaWith(properties: number): Record<string, unknown> {
  return (Bun.YAML.parse(contractText(`s${properties}`, "o", properties, 1, 0)) as { schema: Record<string, unknown> }).schema;
}

/** A breaking next version of schemaWith(n) (n ≥ 10): the last property removed under additionalProperties: false,
 *  a maximum lowered, a maxLength lowered, an enum value removed, a property required (five breaking changes). */
export function breakingVersion(schema: Record<string, unknown>, n: number): Record<string, unknown> {
  const props = schema.properties as Record<string, Record<string, unknown>>;
  const b = 5 * Math.floor(n / 10); // p{b} is a string with maxLength, p{b+1} an integer, p{b+3} an enum
  const { [`p${n - 1}`]: _, ...kept } = props;
  return {
    ...schema,
    required: ["p0", `p${b}`],
    properties: { ...kept, [`p${b + 1}`]: { ...props[`p${b + 1}`], maximum: 10 }, [`p${b}`]: { ...props[`p${b}`], maxLength: 3 }, [`p${b + 3}`]: { ...props[`p${b + 3}`], enum: ["red", "green"] } },
  };
}
