import { defineCommand } from "../../cli-args.ts";
import { DaemonUnavailable, UsageError } from "../../errors.ts";
import { requireMember } from "../../realm/workspace.ts";
import { json, ok } from "../../ui/output.ts";

export const ack = defineCommand({
  meta: {
    name: "ack",
    description: "Dismiss a notification on this machine (blue realm sync acknowledges in the realm, for every machine)",
    examples: ["blue realm ack s3-access/s3-permissions@1.5.0", "blue realm ack --contract s3-permissions"],
  },
  args: {
    id: { type: "positional", required: false, description: "The notification, as 'blue realm notifications' names it (domain/contract@version)", valueHint: "id" },
    contract: { type: "string", description: "Dismiss every waiting notification of this contract", valueHint: "contract" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    if ((args.id === undefined) === (args.contract === undefined)) {
      throw new UsageError(args.id === undefined ? "give a notification id or --contract" : "give a notification id or --contract, not both", "List them with 'blue realm notifications'.");
    }
    const member = requireMember();
    const { ensureDaemon, body } = await import("../../daemon/client.ts");
    const conn = await ensureDaemon({ start: true }).catch((e: Error) => {
      throw new DaemonUnavailable(`cannot dismiss: ${e.message}`, "Notifications live in the daemon; start it with 'blue daemon start'.");
    });
    const res = await conn.client.realms[":name"].repos[":repo"].ack.$post({
      param: { name: member.config.realm.name, repo: member.config.repo },
      json: args.id !== undefined ? { key: String(args.id) } : { contract: String(args.contract) },
    });
    if (res.status === 404) throw new UsageError(`no notification '${args.id ?? args.contract}' waits for ${member.config.repo}`, "List them with 'blue realm notifications'.");
    const { acknowledged } = await body(res);
    if (args.json) return json({ acknowledged });
    if (acknowledged.length === 0) throw new UsageError(`no notification ${args.id ? `'${args.id}'` : `of ${args.contract}`} waits for ${member.config.repo}`, "List them with 'blue realm notifications'.");
    for (const n of acknowledged) ok(`Dismissed ${n.key} on this machine`);
  },
});
