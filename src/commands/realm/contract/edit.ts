import { defineCommand } from "../../../cli-args.ts";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../../system/atomic-write.ts";
import { BlueError, ConfigError, Refused, UsageError, type Problem } from "../../../errors.ts";
import { changeRealm, remoteUrl } from "../../../git/realm-repo.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { ensurePrivateDir, PRIVATE_FILE } from "../../../system/private.ts";
import { blueHome } from "../../../system/home.ts";
import { ensureRealmClone } from "../../../realm/clone.ts";
import { judgeEdit, type EditVerdict } from "../../../contract/edit.ts";
import { findContract } from "../../../contract/view.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { importersOf } from "../../../realm/view.ts";
import type { ContractFile } from "../../../realm/schema.ts";
import { isTerminal, ok, warnProblems } from "../../../ui/output.ts";
import { requireMember } from "../../../realm/workspace.ts";
import { fileErrorText } from "../../../system/file-error.ts";

export const edit = defineCommand({
  meta: {
    name: "edit",
    description: "Edit a contract this repo owns by hand (the rare case: sync from code is the usual way); checked before it is saved and pushed",
    examples: ["blue realm contract edit s3-permissions", "blue realm contract edit s3-permissions --file s3-permissions.yaml --dry-run"],
  },
  args: {
    name: { type: "positional", description: "The contract's name", required: true, valueHint: "name" },
    file: { type: "string", description: "Take the new contract file from this path instead of opening $VISUAL or $EDITOR", valueHint: "path" },
    "dry-run": { type: "boolean", description: "Run the checks and say what would be saved; change nothing" },
  },
  async run({ args }) {
    const member = requireMember();
    const realm = member.config.realm.name;
    const clone = await ensureRealmClone(member);
    // The contract as the realm has it now: the clone is brought up to date first (nothing is committed).
    const start = await changeRealm(clone, { apply: () => currentContract(clone, realm, args.name), message: () => "" });
    if (start.before.owner !== member.config.repo) {
      throw new Refused(`${args.name} is owned by ${start.before.owner}; only its owner edits it`, `Ask ${start.before.owner}'s maintainers: a change in their code reaches the realm with 'blue realm sync'.`);
    }
    const kept = args.file ? resolve(args.file) : editPath(realm, args.name);
    const edited = args.file ? readText(kept) : await openEditor(kept, start.text);
    if (edited === start.text) {
      if (!args.file) rmSync(kept, { force: true });
      ok(`No changes to ${args.name}`);
      return;
    }
    const again = `Your edit is kept in ${kept}: fix it, then run 'blue realm contract edit ${args.name} --file ${kept}'.`;
    let verdict: EditVerdict & { ok: true };
    const url = (await remoteUrl(clone)) ?? clone;
    const proposal = proposalFor(realm, clone, url);
    try {
      verdict = await changeRealm(clone, {
        propose: proposal.propose,
        apply: () => {
          if (readFileSync(join(clone, start.rel), "utf8") !== start.text) {
            throw new Refused(`${start.rel} changed in the realm while you edited it`, `${again.replace("fix it, then", "look at the realm's new text, then")}`);
          }
          writeFileAtomic(join(clone, start.rel), edited);
          const v = judgeEdit(clone, start.domain, start.before);
          if (!v.ok) {
            // Positions in the edited file point into the kept copy, where the fix goes.
            const problems = v.problems.map((p): Problem => (p.file === start.rel ? { ...p, file: kept } : p));
            throw new ConfigError(`the edited ${args.name} does not pass the checks; nothing was saved`, again, problems);
          }
          warnProblems(v.warnings);
          if (args["dry-run"]) throw new DryRun(v);
          return v;
        },
        message: (v) => `blue: ${args.name} ${describe(start.before, v.contract)}, edited by hand in ${member.config.repo}`,
      });
    } catch (e) {
      if (!(e instanceof DryRun)) throw e;
      ok(`${args.name} ${describe(start.before, e.verdict.contract)}: ${e.verdict.result} (dry run: nothing saved)`);
      if (!args.file) rmSync(kept, { force: true });
      return;
    }
    if (!args.file) rmSync(kept, { force: true });
    ok(`${args.name} ${describe(start.before, verdict.contract)}: ${verdict.result}`);
    ok(landedLine(proposal, url));
    const after = verdict.contract;
    // A proposed change is not published yet: importers hear of it when it merges and a daemon fetches it.
    if (proposal.made || after.version === start.before.version || start.importers.length === 0) return;
    // As sync does: the daemon on this machine, if one runs, hears of the new version now, not at its next fetch.
    const { notifyDaemon } = await import("../../../daemon/notify-client.ts");
    const told = await notifyDaemon({
      realm,
      from_repo: member.config.repo,
      clone,
      url: member.config.realm.url,
      domain: start.domain,
      contract: args.name,
      version: after.version,
      breaking: false,
      changes: after.evolution.find((e) => e.version === after.version)?.changes ?? [],
      recipients: start.importers,
    });
    if (told) for (const repo of start.importers) ok(`${repo} notified`);
  },
});

class DryRun extends Error {
  constructor(readonly verdict: EditVerdict & { ok: true }) {
    super("dry run");
  }
}

function currentContract(clone: string, realm: string, name: string): { domain: string; rel: string; before: ContractFile; text: string; importers: string[] } {
  const { model, warnings } = loadValidRealm(clone, realm);
  warnProblems(warnings);
  const { domain, contract: before } = findContract(model, realm, name);
  const rel = `domains/${domain.name}/contracts/${name}.yaml`;
  // Bindings are not part of the edit: who imports the contract now is who imports its new version.
  const importers = [...new Set(importersOf(model, domain.name, name).map((i) => i.repo))].filter((r) => r !== before.owner).sort();
  return { domain: domain.name, rel, before, text: readFileSync(join(clone, rel), "utf8"), importers };
}

function describe(before: ContractFile, after: ContractFile): string {
  return before.version === after.version ? `${before.version}` : `${before.version} → ${after.version}`;
}

/** Where an edit is written for the editor, and kept if it does not pass: $BLUE_HOME/edits/. */
function editPath(realm: string, name: string): string {
  const dir = join(blueHome(), "edits");
  ensurePrivateDir(blueHome());
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return join(dir, `${realm}.${name}.${stamp}.yaml`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${fileErrorText(e)}`, "Check the path given to --file.");
  }
}

/** $VISUAL, else $EDITOR, else vi on a terminal, run through the shell as git runs it; the saved text. */
async function openEditor(path: string, text: string): Promise<string> {
  const editor = process.env.VISUAL || process.env.EDITOR || (isTerminal(0) ? "vi" : "");
  if (!editor) throw new UsageError("no editor to open: VISUAL and EDITOR are unset and this is not a terminal", "Set EDITOR, or pass --file PATH with the new contract file.");
  writeFileSync(path, text, { mode: PRIVATE_FILE }); // under BLUE_HOME/edits: private like the rest of it
  const r = Bun.spawnSync(["sh", "-c", `${editor} "$@"`, editor, path], { stdio: ["inherit", "inherit", "inherit"] });
  if (r.exitCode !== 0) throw new BlueError(`the editor (${editor}) exited with ${r.exitCode}; nothing was saved`, `Your text is in ${path}.`);
  return readFileSync(path, "utf8");
}
