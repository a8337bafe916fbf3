// `--help` laid out like gh's: usage line, description, flags left-aligned with one description each, `--no-X`
// described once, real placeholders, no trailing spaces, and examples for every command that runs something.
import { describe, expect, test } from "bun:test";
import { Sandbox } from "./sandbox.ts";

const sb = new Sandbox();
const help = (...cmd: string[]) => sb.blue(sb.root, ...cmd, "--help");
const LEARN_MORE = "  Exit codes: 0 ok, 1 failed, 2 warnings only, 64 usage error, 69 unreachable, 78 bad configuration.";

/** Every command path, found the way a user would: from the COMMANDS section of each group's help. */
function commandTree(): { path: string[]; text: string }[] {
  const out: { path: string[]; text: string }[] = [];
  const visit = (path: string[]) => {
    const r = help(...path);
    expect(r.code).toBe(0);
    out.push({ path, text: r.stdout });
    const section = r.stdout.split("\n\n").find((s) => s.startsWith("COMMANDS\n"));
    if (!section) return;
    for (const row of section.split("\n").slice(1)) {
      const name = row.match(/^ {2}(\S+)/)?.[1];
      if (name) visit([...path, name]);
    }
  };
  visit([]);
  return out;
}

describe("--help", () => {
  test("blue realm status --help, exactly", () => {
    const r = help("realm", "status");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "Show this repo's realm: domains, contracts, local contract changes, sessions and notifications",
        "",
        "USAGE",
        "  blue realm status [flags]",
        "",
        "FLAGS",
        "      --json       Print one JSON document",
        "      --refresh    Have the daemon fetch the realm now (and merge what is due) before reporting",
        "      --no-cache   Read exported values afresh instead of reusing them from .blue/cache.db",
        "  -h, --help       Show help for this command",
        "",
        "EXAMPLES",
        "  $ blue realm status",
        "  $ blue realm status --refresh",
        "  $ blue realm status --json",
        "",
        "LEARN MORE",
        LEARN_MORE,
        "",
      ].join("\n"),
    );
  });

  test("blue realm check --help, exactly: placeholders, defaults, choices, --no-cache once, wrapped under its column", () => {
    const r = help("realm", "check");
    expect(r.stdout).toBe(
      [
        "Check that contracts are valid, code matches what it exports, imports are current, changes are",
        "compatible, and (in the realm repo) each commit changed only what its author may (for CI)",
        "",
        "USAGE",
        "  blue realm check [flags]",
        "",
        "FLAGS",
        "      --mode <mode>              One mode (default: every mode that applies here); one of: contract,",
        "                                 exporter, importer, compatibility, ownership",
        "      --contract <name>          Only this contract",
        "      --from <version|rev>       compatibility: the older version (default: the one before --to);",
        "                                 ownership: the commit after which to judge (default: the merge-base",
        "                                 with main, or HEAD^ on main)",
        "      --to <version|rev>         compatibility: the newer version (default: the current one);",
        "                                 ownership: the last commit to judge (default: HEAD)",
        "      --transitive               compatibility: check the current version against every earlier one",
        "                                 in evolution",
        "      --json                     Print one JSON document",
        "      --format <format>          Output format (sarif: SARIF 2.1.0 for code scanning); one of: text,",
        "                                 json, sarif",
        "      --hook-timeout <seconds>   Seconds a validation hook or extract command may run (default: 60)",
        "      --realm <name>             Check this realm (cloned on this machine) instead of the one this",
        "                                 repo belongs to",
        "      --no-cache                 Do all the work afresh instead of reusing results from",
        "                                 .blue/cache.db",
        "  -h, --help                     Show help for this command",
        "",
        "EXAMPLES",
        "  $ blue realm check",
        "  $ blue realm check --contract s3-permissions --no-cache",
        "  $ blue realm check --mode=compatibility --contract s3-permissions --from 1.4.0 --to 2.0.0",
        "  $ blue realm check --format sarif > blue.sarif",
        "  # In the realm repo's CI:",
        "  $ blue realm check --mode=ownership",
        "",
        "LEARN MORE",
        LEARN_MORE,
        "",
      ].join("\n"),
    );
  });

  test("a group lists its commands; a one-letter flag lines up with the long ones", () => {
    expect(help("realm", "admin", "cache").stdout).toBe(
      [
        "Inspect or clear this repo's .blue/cache.db",
        "",
        "USAGE",
        "  blue realm admin cache <command> [flags]",
        "",
        "COMMANDS",
        "  clear   Remove every cached result and reset the hit and miss counts",
        "  stats   Entries, hits, misses and hit rate of each cache table since the last clear",
        "",
        "FLAGS",
        "  -h, --help   Show help for this command",
        "",
        "LEARN MORE",
        "  Use 'blue realm admin cache <command> --help' for more information about a command.",
        LEARN_MORE,
        "",
      ].join("\n"),
    );
    expect(help("daemon", "logs").stdout).toContain("FLAGS\n  -n, --lines <count>   How many lines (default: 50)\n  -h, --help            Show help for this command\n");
    expect(help("realm", "admin", "join").stdout).toContain(
      "USAGE\n  blue realm admin join <realm> [flags]\n\nARGUMENTS\n  <realm>   Name of the realm to join\n\nFLAGS\n      --url <git-url>       Git URL of the realm",
    );
  });

  test("every command's help: no trailing spaces, no colour when piped, placeholders named, each flag once; every command that runs has examples", () => {
    const tree = commandTree();
    const paths = tree.map((c) => c.path.join(" "));
    // The walk reached the leaves, among them every command that changes something.
    for (const changing of [
      "realm admin init", "realm admin join", "realm admin domain create", "realm admin leave", "realm sync", "realm approve",
      "realm contract edit", "realm export", "realm import", "realm trust", "realm worktree", "realm pr",
      "realm admin maintainers add", "realm admin maintainers remove", "realm admin protect", "realm admin remote set", "realm admin cache clear",
    ]) {
      expect(paths).toContain(changing);
    }
    expect(tree.length).toBeGreaterThan(35);
    for (const { path, text } of tree) {
      const name = `blue ${path.join(" ")}`.trim();
      expect(text.split("\n").filter((l) => l !== l.trimEnd()), name).toEqual([]);
      expect(text, name).not.toContain("\x1b[");
      expect(text.split("\n")[0]!.length, `${name} starts with its description`).toBeGreaterThan(0);
      expect(text, name).toContain(`\nUSAGE\n  ${name}`);
      expect(text, name).not.toMatch(/<\w+_\w+>|\(Default: /);
      const flags = [...text.matchAll(/^ {2}(?:-\w, | {4})(--[\w-]+)/gm)].map((m) => m[1]!);
      expect(new Set(flags).size, name).toBe(flags.length);
      for (const f of flags.filter((f) => f.startsWith("--no-"))) expect(flags, name).not.toContain(`--${f.slice(5)}`);
      const isGroup = text.includes("\nCOMMANDS\n");
      if (!isGroup) {
        const examples = text.split("\n\n").find((s) => s.startsWith("EXAMPLES\n"));
        expect(examples, `${name} has no EXAMPLES`).toBeDefined();
        for (const ex of examples!.split("\n").slice(1).filter((l) => l.startsWith("  $ blue "))) expect(ex, name).toStartWith(`  $ ${name}`);
      }
    }
  }, 120_000);
});
