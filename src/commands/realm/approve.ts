import { defineCommand } from "../../cli-args.ts";
import { maxWaitArg, useMaxWait } from "../../forge/rate-limit.ts";
import { clockNow } from "../../system/clock.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { json, line, ok } from "../../ui/output.ts";
import { requireMember } from "../../realm/workspace.ts";

export const approve = defineCommand({
  meta: {
    name: "approve",
    description: "Approve an open sync branch as a realm approver (needed for breaking changes when governance requires it)",
    examples: ["blue realm approve sync/aperture/20260124-101500"],
  },
  args: {
    branch: { type: "positional", description: "The sync branch (sync/<repo>/<stamp>)", required: true, valueHint: "branch" },
    json: { type: "boolean", description: "Print one JSON document" },
    "max-wait": maxWaitArg,
  },
  async run({ args }) {
    useMaxWait(args["max-wait"]);
    const member = requireMember();
    const clone = await ensureRealmClone(member);
    const { syncHostFor } = await import("../../sync/host-for.ts");
    const { runApprove } = await import("../../sync/approve.ts");
    const host = await syncHostFor(member.config.realm.name, clone, member.config.realm.url);
    const r = await runApprove({ realm: member.config.realm.name, clone, branch: String(args.branch), host, now: clockNow() });
    if (args.json) return json(r);
    ok(`Approved ${r.branch} as ${r.approver}`);
    for (const m of r.merges) {
      if (m.merged) ok(`Merged ${m.branch} (${m.reason?.replace("_", " ")})`);
      else if (m.branch === r.branch) line(`${m.branch} waits for: ${m.waiting_for.join("; ") || "nothing"}`);
    }
  },
});
