// `blue realm waive`: the waiver a contract's owner records (issue 19), checked against the realm and the
// command line before anything is written. Pure: the realm model, the clock and the git identity come in.
import { Refused, UnknownName, UsageError } from "../errors.ts";
import { RULES } from "../compat/index.ts";
import { isExpired } from "../check/waivers.ts";
import { iso } from "../realm/membership.ts";
import type { RealmModel } from "../realm/load.ts";
import { parsePointer } from "../realm/pointer.ts";
import { Day, type Waiver } from "../realm/schema.ts";

export type WaiveInput = { contract: string; domain?: string; rule: string; pointer: string; until: string; reason: string };

export type WaivePlan = {
  domain: string;
  contract: string;
  /** The waiver file, relative to the realm: beside the contract, the owner's to change (trust.permissions). */
  file: string;
  waiver: Waiver;
  /** An earlier waiver of the same rule, pointer and version that this one replaces (a new date or reason). */
  replaces: Waiver | null;
};

/** Rules a waiver may name: the engine's (docs/compatibility.md). */
export const WAIVABLE_RULES: readonly string[] = RULES.map((r) => r.id);

export function planWaiver(model: RealmModel, repo: string, input: WaiveInput, ctx: { now: Date; recordedBy: string }): WaivePlan {
  const day = Day.safeParse(input.until);
  if (!day.success) throw new UsageError(`--until '${input.until}' is not a date like 2026-12-31`, "Give the last day the waiver holds, as YYYY-MM-DD (UTC).");
  if (isExpired({ until: input.until }, ctx.now)) {
    throw new UsageError(`--until ${input.until} is already past (today is ${iso(ctx.now).slice(0, 10)} UTC)`, "Give a day from today on: the waiver holds through the end of that day, UTC.");
  }
  if (!WAIVABLE_RULES.includes(input.rule)) {
    throw new UnknownName(`unknown rule '${input.rule}'`, "A waiver names a rule of a compatibility finding, as 'blue realm check --mode=compatibility' prints it (docs/compatibility.md lists them).", input.rule, WAIVABLE_RULES);
  }
  if (parsePointer(input.pointer) === undefined) {
    throw new UsageError(`--pointer '${input.pointer}' is not a JSON pointer: it must start with '/'`, "Give the finding's pointer into the schema as the check prints it, e.g. /properties/read (or '' for the schema's root).");
  }
  if (!input.reason.trim()) throw new UsageError("--reason is empty", "Say why the breaking change may go through: it is shown on every check until the waiver expires.");
  const domain = domainOf(model, input.contract, input.domain);
  const contract = model.domains.get(domain)!.contracts.get(input.contract)!;
  if (contract.owner !== repo) {
    throw new Refused(`${input.contract} is owned by ${contract.owner}; only its owner records its waivers`, `Ask ${contract.owner}'s maintainers to run 'blue realm waive ${input.contract}'.`);
  }
  const waiver: Waiver = {
    rule: input.rule,
    pointer: input.pointer,
    from: contract.version,
    until: input.until,
    reason: input.reason.trim(),
    recorded_by: ctx.recordedBy,
    recorded_at: iso(ctx.now),
  };
  const existing = model.domains.get(domain)!.waivers.get(input.contract)?.waivers ?? [];
  const replaces = existing.find((w) => w.rule === waiver.rule && w.pointer === waiver.pointer && w.from === waiver.from) ?? null;
  return { domain, contract: input.contract, file: `domains/${domain}/waivers/${input.contract}.yaml`, waiver, replaces };
}

/** The domain holding `contract` (the one named, or the only one). */
function domainOf(model: RealmModel, contract: string, domain: string | undefined): string {
  const holding = [...model.domains].filter(([, d]) => d.contracts.has(contract)).map(([name]) => name);
  if (domain) {
    if (!holding.includes(domain)) throw new UsageError(`domain '${domain}' has no contract '${contract}'`, holding.length ? `It is in: ${holding.join(", ")}.` : "Run 'blue realm status' to see this repo's contracts.");
    return domain;
  }
  if (holding.length === 0) {
    const all = [...model.domains.values()].flatMap((d) => [...d.contracts.keys()]).sort();
    throw new UnknownName(`unknown contract '${contract}' in this realm`, all.length ? `Contracts: ${all.join(", ")}.` : "The realm has no contract yet.", contract, all);
  }
  if (holding.length > 1) throw new UsageError(`contract '${contract}' is in more than one domain: ${holding.join(", ")}`, "Name the domain with --domain.");
  return holding[0]!;
}
