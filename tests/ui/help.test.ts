// The help renderer, and what it asks of every command definition: placeholders chosen (not derived from a
// flag's name), a `--no-` form described for each boolean that defaults to true, and examples that parse.
import { describe, expect, test } from "bun:test";
import type { ArgsDef, CommandDef, CommandMeta, Resolvable } from "citty";
import { parseCommandArgs } from "../../src/cli-args.ts";
import { daemon } from "../../src/commands/daemon.ts";
import { mcp } from "../../src/commands/mcp.ts";
import { realm } from "../../src/commands/realm.ts";
import { schema } from "../../src/commands/schema.ts";
import { renderHelp, wrap } from "../../src/ui/help.ts";

type Cmd = CommandDef<ArgsDef>;
const resolve = async <T>(v: Resolvable<T> | undefined): Promise<T | undefined> => (typeof v === "function" ? await (v as () => T)() : await v);

async function leaves(): Promise<{ path: string[]; cmd: Cmd; meta: CommandMeta; args: ArgsDef }[]> {
  const out: { path: string[]; cmd: Cmd; meta: CommandMeta; args: ArgsDef }[] = [];
  const visit = async (path: string[], cmd: Cmd) => {
    const subs = await resolve(cmd.subCommands);
    if (subs) {
      for (const [name, sub] of Object.entries(subs)) await visit([...path, name], (await resolve(sub)) as Cmd);
      return;
    }
    out.push({ path, cmd, meta: (await resolve(cmd.meta)) ?? {}, args: (await resolve(cmd.args)) ?? {} });
  };
  for (const [name, cmd] of Object.entries({ realm, daemon, schema, mcp })) await visit(["blue", name], cmd as Cmd);
  return out;
}

/** A command line as a shell splits it (quotes, no expansion), up to a redirection. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    // A redirection or a shell comment ends the command line.
    if (m[3] === ">" || m[3]?.startsWith(">") || m[3]?.startsWith("#")) break;
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

describe("command definitions", () => {
  test("every command has examples, and each example is a command line blue accepts", async () => {
    const all = await leaves();
    expect(all.length).toBeGreaterThan(30);
    for (const { path, meta, args } of all) {
      const name = path.join(" ");
      const lines = (meta.examples ?? []).filter((e) => !e.startsWith("#"));
      expect(lines.length, `${name} has no examples`).toBeGreaterThan(0);
      for (const line of lines) {
        if (!line.startsWith(`${name}`)) continue; // e.g. `claude mcp add blue -- blue mcp`
        const argv = words(line).slice(path.length);
        expect(() => parseCommandArgs(args, argv, name), line).not.toThrow();
      }
    }
  });

  test("every flag that takes a value names its placeholder; every boolean on by default says what its --no- form does", async () => {
    for (const { path, args } of await leaves()) {
      for (const [flag, def] of Object.entries(args)) {
        const where = `${path.join(" ")} --${flag}`;
        if (def.type === "string" || def.type === "enum" || def.type === "positional") expect(def.valueHint, where).toBeDefined();
        if ((def.type ?? "boolean") === "boolean" && def.default === true) expect("negativeDescription" in def && def.negativeDescription, where).toBeTruthy();
      }
    }
  });
});

describe("renderHelp", () => {
  const cmd: Cmd = {
    meta: { name: "demo", description: "Do the demo thing", examples: ["# First:", "blue demo x --fast"] },
    args: {
      target: { type: "positional", description: "What to demo", valueHint: "target" },
      extra: { type: "positional", description: "More", required: false, valueHint: "extra" },
      timeout: { type: "string", description: "How long", default: "5", valueHint: "seconds" },
      level: { type: "enum", options: ["a", "b"], description: "Which level", valueHint: "level" },
      cache: { type: "boolean", default: true, description: "Reuse", negativeDescription: "Do not reuse" },
      fast: { type: "boolean", description: "Go fast", alias: "f" },
    },
  };

  test("usage line, arguments, flags aligned with short forms, --no- form, examples; no trailing spaces", async () => {
    expect(await renderHelp(cmd, ["blue", "demo"])).toBe(
      [
        "Do the demo thing",
        "",
        "USAGE",
        "  blue demo <target> [<extra>] [flags]",
        "",
        "ARGUMENTS",
        "  <target>   What to demo",
        "  <extra>    More",
        "",
        "FLAGS",
        "      --timeout <seconds>   How long (default: 5)",
        "      --level <level>       Which level; one of: a, b",
        "      --no-cache            Do not reuse",
        "  -f, --fast                Go fast",
        "  -h, --help                Show help for this command",
        "",
        "EXAMPLES",
        "  # First:",
        "  $ blue demo x --fast",
        "",
        "LEARN MORE",
        "  Exit codes: 0 ok, 1 failed, 2 warnings only, 64 usage error, 69 unreachable, 78 bad configuration.",
      ].join("\n"),
    );
  });

  test("headings in bold only when asked (a terminal)", async () => {
    expect(await renderHelp(cmd, ["blue", "demo"], { bold: true })).toContain("\x1b[1mUSAGE\x1b[22m\n");
  });

  test("wrap keeps words whole", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("averyveryverylongword x", 5)).toEqual(["averyveryverylongword", "x"]);
  });
});
