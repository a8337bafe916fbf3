import { defineCommand } from "../../cli-args.ts";
import { UsageError } from "../../errors.ts";
import { clockNow } from "../../system/clock.ts";
import { blueHome } from "../../system/home.ts";
import { ensureRealmClone } from "../../realm/clone.ts";
import { requireMember } from "../../realm/workspace.ts";
import { dim, json, line, ok, warnLine } from "../../ui/output.ts";

export const trust = defineCommand({
  meta: {
    name: "trust",
    description: "Review the commands the realm asks this repo to run (extract commands, hooks) and approve, pin or revoke them",
    examples: ["blue realm trust", "blue realm trust 05f93d5065", "# Pin every command listed, for CI and teammates (commit .blue/config.yaml):", "blue realm trust --all --pin", "blue realm trust --revoke 05f93d5065"],
  },
  args: {
    id: { type: "positional", required: false, description: "Approve the command with this id (from 'blue realm trust') on this machine", valueHint: "id" },
    all: { type: "boolean", description: "Approve every command listed as untrusted or changed" },
    pin: { type: "boolean", description: "Pin the approved commands in .blue/config.yaml (committed: CI and teammates run them) instead of this machine's approvals" },
    list: { type: "boolean", description: "List this machine's approvals for the realm, and the pins in .blue/config.yaml" },
    revoke: { type: "string", description: "Remove this machine's approval with this id", valueHint: "id" },
    "forge-host": { type: "string", description: "Let this realm's forge token go to this host[:port] (after realm.yaml's forge: moved on purpose)", valueHint: "host" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const member = requireMember();
    const realm = member.config.realm.name;
    const home = blueHome();
    const store = await import("../../trust/store.ts");

    if (args["forge-host"]) {
      const host = String(args["forge-host"]).trim();
      if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) throw new UsageError(`'${host}' is not a host[:port]`, "Name the forge's host as realm.yaml's forge.url has it, e.g. git.example.com or 127.0.0.1:3000.");
      await store.pinForgeHost(home, realm, host.toLowerCase());
      if (args.json) return json({ realm, forge_hosts: store.realmTrust(home, realm).forge_hosts });
      return ok(`The forge token of realm ${realm} may now be sent to ${host}`);
    }

    if (args.revoke) {
      const { revokeCommands } = await import("../../trust/review.ts");
      const gone = await revokeCommands(home, realm, String(args.revoke));
      if (gone.length === 0) throw new UsageError(`no approval on this machine has id '${args.revoke}'`, "Run 'blue realm trust --list' to see them.");
      if (args.json) return json({ realm, revoked: gone });
      const { showArgv } = await import("../../trust/consent.ts");
      for (const a of gone) ok(`Revoked ${a.field} in ${a.file}: ${showArgv(a.argv)}`);
      return;
    }

    if (args.list) {
      const { commandId, showArgv } = await import("../../trust/consent.ts");
      const { sha256 } = await import("../../store/hash.ts");
      const t = store.realmTrust(home, realm);
      const pins = member.config.trusted_commands ?? [];
      if (args.json) return json({ realm, approvals: t.commands.map((a) => ({ id: commandId(a, sha256), ...a })), pins, forge_hosts: t.forge_hosts });
      line(`Approved on this machine (${home}/trust.json):`);
      if (t.commands.length === 0) line("  none");
      for (const a of t.commands) line(`  ${commandId(a, sha256)}  ${a.file} ${a.field}: ${showArgv(a.argv)} ${dim(`(${a.approved_at}${a.commit ? `, realm commit ${a.commit.slice(0, 10)}` : ""})`)}`);
      line("Pinned in .blue/config.yaml:");
      if (pins.length === 0) line("  none");
      for (const p of pins) line(`  ${p.file} ${p.field}: ${showArgv(p.argv)}`);
      if (t.forge_hosts.length) line(`Forge hosts: ${t.forge_hosts.join(", ")}`);
      return;
    }

    const [{ reviewCommands, pick, approveCommands, pinCommands }, { loadValidRealm }, { showArgv }] = await Promise.all([
      import("../../trust/review.ts"),
      import("../../realm/load.ts"),
      import("../../trust/consent.ts"),
    ]);
    const clone = await ensureRealmClone(member);
    const { model } = loadValidRealm(clone, realm);
    const review = await reviewCommands({ home, realm, repo: member.config.repo, clone, model, pins: member.config.trusted_commands ?? [] });

    if (!args.id && !args.all) {
      if (args.json) return json(review);
      if (review.commands.length === 0) return line(`The realm names no command for ${member.config.repo} to run.`);
      for (const c of review.commands) {
        const mark = c.state === "pinned" || c.state === "approved" ? "✓" : "⚠";
        line(`${mark} ${c.id}  ${c.state}  ${c.kind === "extract" ? "extract command" : `${c.field.replace("validation.", "")} hook`} of ${c.contract} (domain ${c.domain})`);
        line(`    argv:   ${showArgv(c.argv)}`);
        if (c.pinned_argv) line(`    pinned: ${showArgv(c.pinned_argv)}`);
        line(`    set in: ${c.file} (${c.field})${c.commit ? ` by ${c.author} in ${c.commit.slice(0, 10)}, ${c.date}` : ", not committed yet"}`);
      }
      const pending = review.commands.filter((c) => c.state === "untrusted" || c.state === "differs");
      if (pending.length) {
        line();
        line(`Approve one with 'blue realm trust <id>' (add --pin to pin it in .blue/config.yaml for CI and teammates), or all ${pending.length} with 'blue realm trust --all'.`);
      }
      return;
    }

    const chosen = pick(review, args.id ? [String(args.id)] : [], Boolean(args.all));
    if (chosen.length === 0) {
      if (args.json) return json({ ...review, commands: [] });
      return line("Nothing to approve: every command the realm names for this repo is trusted.");
    }
    if (args.pin) pinCommands(member.configPath, chosen);
    else await approveCommands(home, realm, chosen, clockNow());
    if (args.json) return json({ ...review, commands: chosen });
    for (const c of chosen) ok(`${args.pin ? "Pinned" : "Approved"} ${c.id}: ${showArgv(c.argv)} (${c.field} in ${c.file})`);
    if (args.pin) warnLine("Commit .blue/config.yaml, so that CI and your teammates' machines run what you pinned.");
  },
});
