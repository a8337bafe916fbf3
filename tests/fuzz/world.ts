// The valid realm the fuzz mutates (issue 18): every kind of realm file (realm.yaml with governance, signing keys,
// trust permissions and a forge; repos; domains with governance; contracts with schemas, values, hooks and
// evolution; bindings with exports, extract commands and files, schema files and imports), and the member repos
// whose code the realm's commands would run in. Every command or hook the realm names that this machine has not
// consented to is a sentinel: run, it leaves a marker file, and the fuzz fails.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const REALM = "letemcook";
export const PROVIDER = "aperture";
export const CONSUMER = "fungal-image-analysis";

const S3 = "domains/s3-access/contracts/s3-permissions.yaml";
const METRICS = "domains/s3-access/contracts/training-metrics.yaml";
const APERTURE = "domains/s3-access/bindings/aperture.yaml";
const FUNGAL = "domains/s3-access/bindings/fungal-image-analysis.yaml";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example.com";

/** The realm's files by path, as people write them (comments, flow and block style, quoting). */
export const REALM_FILES: Record<string, string> = {
  "realm.yaml": `# The letemcook realm
name: ${REALM}
version: 1.0.0
description: "Contracts between aperture and fungal"
created_at: 2026-01-24T10:00:00Z
forge:
  type: none
governance:
  admission: approval
  approvers: [alice@example.com, bob@example.com]
  signing_keys:
    - email: alice@example.com
      key: ${KEY}
  breaking_changes:
    require_approval: true
    grace_period_days: 14
trust:
  mode: collaborative
  require_signed_commits: false
  permissions:
    aperture: [s3-permissions, training-metrics]
    fungal-image-analysis: []
`,
  "repos/aperture.yaml": `name: aperture
org: cultivarium
path: ../aperture
url: https://git.example.com/cultivarium/aperture.git
maintainers:
  - alice@example.com
signing_keys:
  - email: alice@example.com
    key: ${KEY}
joined_at: 2026-01-24T10:05:00Z
`,
  "repos/fungal-image-analysis.yaml": `name: fungal-image-analysis
maintainers: ['bob@example.com']
joined_at: "2026-01-24T10:06:00+01:00"
`,
  "domains/s3-access/domain.yaml": `name: s3-access
description: What fungal may do in aperture's buckets
created_at: 2026-01-24T10:07:00Z
members:
  - aperture
  - fungal-image-analysis
`,
  "domains/s3-access/governance.yaml": `breaking_changes:
  require_approval: false
  grace_period_days: 3
approvers:
  - alice@example.com
`,
  [S3]: `name: s3-permissions
version: 1.4.0
owner: aperture
description: What fungal may do in aperture's buckets
compatibility:
  backwards: true
  forwards: false
schema:
  type: object
  required: [read]
  additionalProperties: false
  properties:
    read:
      type: array
      items: { type: string, pattern: "^[a-z*/-]+$" }
    write:
      type: array
      items:
        type: string
      default: []
    max_bytes: { type: integer, minimum: 0 }
value:
  read:
    - jobs/*/masks/*
    - training-runs/*
  write: [training-metrics/*]
  max_bytes: 1048576
validation:
  exporter: bin/validate.sh
  importer: bin/sentinel.sh
  ci_only:
    - bin/sentinel.sh
evolution:
  - version: 1.0.0
    changes: [Initial skeleton]
    compatible: true
  - version: 1.4.0
    changes:
      - "Added write"
    compatible: true
    published_at: 2026-01-25T09:00:00Z
`,
  [METRICS]: `name: training-metrics
version: 2.0.1
owner: aperture
schema:
  type: object
  properties:
    loss: {type: number}
    epochs: {type: integer, maximum: 1000}
    tags: {type: array, items: {type: string}, uniqueItems: true}
  required: [loss]
value: {loss: 0.25, epochs: 10, tags: [a, b]}
validation:
  importer: bin/sentinel.sh
evolution:
  - {version: 2.0.0, changes: ["Renamed epochs"], compatible: false}
  - {version: 2.0.1, changes: [], compatible: true}
`,
  [APERTURE]: `repo: aperture
role: provider
exports:
  - contract: s3-permissions
    source_files: [config/s3.json]
    # The pinned extractor (.blue/config.yaml): the one command the realm names that may run.
    extract:
      command: [./bin/extract.sh]
    schema_file: config/s3.schema.json
  - contract: training-metrics
    source_files:
      - config/metrics.yaml
    extract:
      file: config/metrics.yaml
      pointer: /metrics
`,
  [FUNGAL]: `repo: fungal-image-analysis
role: consumer
imports:
  - contract: s3-permissions
    version: ">=1.0.0 <2.0.0"
    binding: src/s3.py
    status: current
    resolved_version: 1.4.0
    resolved_at: 2026-01-25T10:00:00Z
  - contract: training-metrics
    version: ^2.0.0, <3
    status: pending
`,
};

/** Commands and hooks the realm names, by (file, field): the ones this machine consents to, as argv. */
export const PINNED = [{ file: APERTURE, field: "exports.s3-permissions.extract.command", argv: ["./bin/extract.sh"] }];
export const APPROVED = [{ file: S3, field: "validation.exporter", argv: ["bin/validate.sh"] }];

export type World = { dir: string; realm: string; repos: Record<string, string>; home: string; marker: string };

/** The realm in `dir/realm`, the member repos beside it (not git repos: check and status read only their files),
 *  and BLUE_HOME with this machine's approval. */
export function makeWorld(dir: string): World {
  const marker = join(dir, "EXECUTED");
  const realm = join(dir, "realm");
  for (const [rel, text] of Object.entries(REALM_FILES)) write(join(realm, rel), text);
  const repos: Record<string, string> = {};
  for (const repo of [PROVIDER, CONSUMER]) {
    repos[repo] = join(dir, repo);
    writeMemberCode(repos[repo]!, marker);
    write(join(repos[repo]!, ".blue/config.yaml"), configText(repo, repo === PROVIDER ? PINNED : []));
  }
  const home = join(dir, "blue-home");
  write(join(home, "trust.json"), trustJson());
  return { dir, realm, repos, home, marker };
}

/** A member repo's code: the scripts the realm names and the files its exports read. */
export function writeMemberCode(root: string, marker: string): void {
  // A script the realm names and nobody consented to: running it is the failure the fuzz looks for.
  script(join(root, "bin/sentinel.sh"), `#!/bin/sh\necho "$0 $*" >> '${marker}'\n`);
  // The consented ones do their job, and also leave the marker when run with arguments nobody consented to.
  script(join(root, "bin/extract.sh"), `#!/bin/sh\n[ $# -eq 0 ] || echo "$0 $*" >> '${marker}'\ncat config/s3.json\n`);
  script(join(root, "bin/validate.sh"), `#!/bin/sh\n[ $# -eq 0 ] || echo "$0 $*" >> '${marker}'\nexit 0\n`);
  write(join(root, "config/s3.json"), JSON.stringify({ read: ["jobs/*/masks/*", "training-runs/*"], write: ["training-metrics/*", "x/*"] }));
  write(join(root, "config/s3.schema.json"), JSON.stringify({ type: "object", required: ["read"], properties: { read: { type: "array", items: { type: "string" } } } }));
  write(join(root, "config/metrics.yaml"), "metrics:\n  loss: 0.5\n  epochs: 10\n  tags: [a, b]\n");
  write(join(root, "src/s3.py"), "READ = []\n");
}

/** $BLUE_HOME/trust.json holding this machine's approval of APPROVED. */
export function trustJson(): string {
  const approved_at = "2026-01-26T00:00:00Z";
  return JSON.stringify({ realms: { [REALM]: { commands: APPROVED.map((a) => ({ ...a, approved_at })), forge_hosts: [] } } });
}

export function configText(repo: string, pins: readonly { file: string; field: string; argv: string[] }[], url = "https://git.example.com/letemcook.git"): string {
  return `realm:\n  name: ${REALM}\n  url: ${url}\nrepo: ${repo}\n${pinsText(pins)}`;
}

/** The trusted_commands of .blue/config.yaml. */
export function pinsText(pins: readonly { file: string; field: string; argv: string[] }[]): string {
  return pins.length ? `trusted_commands:\n${pins.map((p) => `  - file: ${p.file}\n    field: ${p.field}\n    argv: ${JSON.stringify(p.argv)}\n`).join("")}` : "";
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function script(path: string, text: string): void {
  write(path, text);
  chmodSync(path, 0o755);
}
