// Which commands the realm asks a repo to run, and whether this machine consented to each (DESIGN.md §4,
// docs/security.md). Realm content is written by other teams: a command it names runs only when the identical
// argv is pinned in the repo's committed .blue/config.yaml, or approved on this machine with `blue realm trust`.
// Pure: the pins and approvals are passed in.
import { Untrusted } from "../errors.ts";
import type { RealmModel } from "../realm/load.ts";
import type { ExportBinding, TrustedCommand } from "../realm/schema.ts";

export type HookField = "exporter" | "importer" | "ci_only";

/** One command the realm names for a repo: where it is named (file, field), its argv, and what it is for. */
export type CommandUse = TrustedCommand & { kind: "extract" | "hook"; domain: string; contract: string };

export type ConsentVerdict =
  | { ok: true; by: "pin" | "approval" }
  /** `pinned`: the argv the repo's config pins for this file and field, when the realm now says another. */
  | { ok: false; pinned?: string[] };

/** Decides one use; undefined approvals mean none. */
export type Consent = (use: CommandUse) => ConsentVerdict;

export function extractUse(domain: string, repo: string, exp: ExportBinding): CommandUse | undefined {
  const how = exp.extract;
  if (!how || !("command" in how)) return undefined;
  const argv = typeof how.command === "string" ? [how.command] : how.command;
  return { kind: "extract", domain, contract: exp.contract, file: `domains/${domain}/bindings/${repo}.yaml`, field: `exports.${exp.contract}.extract.command`, argv };
}

export function hookUse(domain: string, contract: string, field: HookField, path: string): CommandUse {
  return { kind: "hook", domain, contract, file: `domains/${domain}/contracts/${contract}.yaml`, field: `validation.${field}`, argv: [path] };
}

/** Every command the realm asks `repo` to run: its exports' extract commands, the hooks of the contracts it owns
 *  (ci_only ones included), and the importer hooks of the contracts it imports. */
export function commandUses(model: RealmModel, repo: string): CommandUse[] {
  const uses: CommandUse[] = [];
  for (const [domain, d] of model.domains) {
    const binding = d.bindings.get(repo);
    for (const exp of binding?.exports ?? []) {
      const use = extractUse(domain, repo, exp);
      if (use) uses.push(use);
    }
    for (const c of d.contracts.values()) {
      const v = c.validation;
      if (!v) continue;
      if (c.owner === repo) {
        if (v.exporter) uses.push(hookUse(domain, c.name, "exporter", v.exporter));
        for (const h of v.ci_only) uses.push(hookUse(domain, c.name, "ci_only", h));
      } else if (binding?.imports.some((i) => i.contract === c.name) && v.importer) {
        uses.push(hookUse(domain, c.name, "importer", v.importer));
      }
    }
  }
  return uses;
}

const sameArgv = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const samePlace = (a: TrustedCommand, b: TrustedCommand) => a.file === b.file && a.field === b.field;

/** A pin for the use's file and field decides alone: the realm's copy runs only if identical to it. Without a
 *  pin, an approval of this very (file, field, argv) on this machine lets it run. */
export function decide(use: TrustedCommand, pins: readonly TrustedCommand[], approvals: readonly TrustedCommand[]): ConsentVerdict {
  const pinned = pins.filter((p) => samePlace(p, use));
  if (pinned.length > 0) {
    if (pinned.some((p) => sameArgv(p.argv, use.argv))) return { ok: true, by: "pin" };
    return { ok: false, pinned: pinned[0]!.argv };
  }
  if (approvals.some((a) => samePlace(a, use) && sameArgv(a.argv, use.argv))) return { ok: true, by: "approval" };
  return { ok: false };
}

/** A short, stable name for a (file, field, argv), to approve or revoke it by. */
export function commandId(use: TrustedCommand, hash: (s: string) => string): string {
  return hash(JSON.stringify([use.file, use.field, use.argv])).slice(0, 10);
}

/** An argv as a person reads it: words with spaces or quotes are quoted. */
export function showArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** The one line that says why a command did not run, and what to do. */
export function refusalMessage(use: CommandUse, verdict: Extract<ConsentVerdict, { ok: false }>): string {
  const what = use.kind === "extract" ? `extract command of ${use.contract}` : `${use.field.replace("validation.", "")} hook of ${use.contract}`;
  if (verdict.pinned) {
    return `the ${what} in ${use.file} (${showArgv(use.argv)}) differs from the one pinned in .blue/config.yaml (${showArgv(verdict.pinned)}): not run`;
  }
  return `the ${what} in ${use.file} (${showArgv(use.argv)}) is not trusted on this machine: not run`;
}

export const TRUST_HINT = "Review it with 'blue realm trust' (the exact argv, and the realm commit and author that set it), then approve it with 'blue realm trust <id>'.";

/** Throws Untrusted when `use` may not run; what extraction and hooks call before they run anything. */
export function requireConsent(consent: Consent, use: CommandUse): void {
  const verdict = consent(use);
  if (!verdict.ok) throw new Untrusted(refusalMessage(use, verdict), TRUST_HINT);
}

/** The gate extraction passes each export binding through: its extract command, if any, must be consented to. */
export function extractGate(consent: Consent, domain: string, repo: string): (exp: ExportBinding) => void {
  return (exp) => {
    const use = extractUse(domain, repo, exp);
    if (use) requireConsent(consent, use);
  };
}
