import { defineCommand } from "../../cli-args.ts";
import { UsageError } from "../../errors.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { requireMember } from "../../realm/workspace.ts";
import { clockNow } from "../../system/clock.ts";
import { dim, json, line, ok } from "../../ui/output.ts";

export const waive = defineCommand({
  meta: {
    name: "waive",
    description: "Let one breaking compatibility finding of a contract you own through until a date (needs a realm approver's approval, like a breaking change)",
    examples: [
      "blue realm waive s3-permissions --rule required-removed --pointer /required/0 --until 2026-12-31 --reason 'fungal reads read as optional since 3.2'",
      "blue realm waive s3-permissions --rule type-changed --pointer /properties/read --until 2026-06-30 --reason '…' --dry-run",
    ],
  },
  args: {
    contract: { type: "positional", description: "A contract this repo owns", required: true, valueHint: "contract" },
    rule: { type: "string", description: "The finding's rule, as the check prints it", valueHint: "rule" },
    pointer: { type: "string", description: "The finding's JSON pointer into the schema ('' for its root)", valueHint: "/path" },
    until: { type: "string", description: "The last day (UTC) the waiver holds", valueHint: "YYYY-MM-DD" },
    reason: { type: "string", description: "Why the change may go through: shown on every check", valueHint: "text" },
    domain: { type: "string", description: "The contract's domain, when its name is in more than one", valueHint: "name" },
    "dry-run": { type: "boolean", description: "Check it and print the waiver; publish nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    for (const flag of ["rule", "pointer", "until", "reason"] as const) {
      if (args[flag] === undefined) throw new UsageError(`--${flag} is required`, "blue realm waive CONTRACT --rule RULE --pointer /path --until YYYY-MM-DD --reason TEXT");
    }
    const member = requireMember();
    const clone = await ensureRealmClone(member);
    const [{ syncHostFor }, { runWaive }] = await Promise.all([import("../../sync/host-for.ts"), import("../../waive/run.ts")]);
    const host = await syncHostFor(member.config.realm.name, clone, member.config.realm.url);
    const r = await runWaive(
      { member, clone, host, now: clockNow(), dryRun: Boolean(args["dry-run"]) },
      { contract: String(args.contract), domain: args.domain, rule: String(args.rule), pointer: String(args.pointer), until: String(args.until), reason: String(args.reason) },
    );
    if (args.json) return json(r);
    const w = r.waiver;
    const what = `${w.rule} at ${w.pointer || "(root)"} in ${r.contract} (the change from ${w.from}) until ${w.until}`;
    if (r.dry_run) {
      ok(`Would waive ${what} ${dim(`(${r.file})`)}`);
      return;
    }
    ok(`Recorded the waiver of ${what} on ${r.branch} ${dim(`(${r.file})`)}`);
    if (r.published?.url) ok(`Opened ${r.published.ref} (${r.published.url})`);
    if (r.merged) ok(`Merged ${r.branch}: checks honour the waiver until ${w.until}`);
    else line(`${r.branch} waits for: ${r.waiting_for.join("; ") || "its review"}`);
  },
});
