import { defineCommand } from "../../cli-args.ts";
import { requireMember } from "../../realm/workspace.ts";
import { ago, dim, json, line } from "../../ui/output.ts";

export const notifications = defineCommand({
  meta: {
    name: "notifications",
    description: "List this repo's notifications: contract versions it imports and has not acknowledged yet",
    examples: ["blue realm notifications", "blue realm notifications --all --json"],
  },
  args: {
    all: { type: "boolean", description: "Also list the ones acknowledged or dismissed" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const member = requireMember();
    const [{ askDaemon, body }, { ensureRealmClone }, { trackRealm }] = await Promise.all([import("../../daemon/client.ts"), import("../../realm/clone.ts"), import("../../status/report.ts")]);
    const clone = await ensureRealmClone(member);
    const param = { name: member.config.realm.name, repo: member.config.repo };
    const query = { all: args.all ? ("true" as const) : ("false" as const) };
    const { conn, res } = await askDaemon({ start: true }, ({ client }) => client.realms[":name"].repos[":repo"].notifications.$get({ param, query }));
    let answer = res;
    if (answer.status === 404) {
      await trackRealm(conn, member, clone);
      answer = await conn.client.realms[":name"].repos[":repo"].notifications.$get({ param, query });
    }
    const { notifications: list } = await body(answer);
    if (args.json) return json({ realm: param.name, repo: param.repo, notifications: list });
    if (list.length === 0) return line(args.all ? "No notifications." : "No notifications waiting (--all lists the acknowledged ones too).");
    const now = new Date();
    for (const n of list) {
      const what = `${n.from_repo} ${n.change_type === "breaking" ? "changed incompatibly" : "updated"} ${n.contract}${n.version ? ` to ${n.version}` : ""}`;
      line(`${n.pending ? "•" : dim("✓")} ${n.key}  ${what} ${dim(`(${ago(n.created_at, now)})`)}`);
    }
    if (list.some((n) => n.pending)) line(dim("Acknowledge with 'blue realm sync' (it resolves your imports), or dismiss one here with 'blue realm ack <id>'."));
  },
});
