// `--help`, laid out like gh's: what the command does, USAGE, its commands or ARGUMENTS and FLAGS left-aligned
// with one description each, EXAMPLES, LEARN MORE. Loaded only when help is asked for (or a command group runs
// bare), so no other start-up pays for it.
import type { ArgDef, ArgsDef, CommandDef, CommandMeta, Resolvable, SubCommandsDef } from "citty";
import pkg from "../../package.json" with { type: "json" };

/** Help is wrapped to this width: readable in any terminal, and the same wherever it is printed. */
const WIDTH = 100;

const resolve = async <T>(v: Resolvable<T> | undefined): Promise<T | undefined> =>
  typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;

type Row = [left: string, right: string];

/** The help of the command reached by `path` (["blue", "realm", "check"]), as lines without trailing spaces. */
export async function renderHelp(cmd: CommandDef<ArgsDef>, path: readonly string[], opts: { bold?: boolean } = {}): Promise<string> {
  const heading = (s: string) => (opts.bold ? `\x1b[1m${s}\x1b[22m` : s);
  const meta: CommandMeta = (await resolve(cmd.meta)) ?? {};
  const args: ArgsDef = (await resolve(cmd.args)) ?? {};
  const subs: SubCommandsDef | undefined = await resolve(cmd.subCommands);
  const name = path.join(" ");
  const out: string[] = [];
  const section = (title: string, body: string[]) => {
    if (body.length === 0) return;
    out.push("", heading(title), ...body);
  };

  if (meta.description) out.push(...wrap(meta.description, WIDTH));

  const positionals = Object.entries(args).filter(([, d]) => d.type === "positional");
  const flagDefs = Object.entries(args).filter(([, d]) => d.type !== "positional");
  const usage = subs
    ? `${name} <command>${path.length === 1 ? " <subcommand>" : ""} [flags]`
    : [name, ...positionals.map(([n, d]) => (isRequired(d) ? placeholder(n, d) : `[${placeholder(n, d)}]`)), ...(flagDefs.length ? ["[flags]"] : [])].join(" ");
  section("USAGE", [`  ${usage}`]);

  if (subs) {
    const rows: Row[] = [];
    for (const [sub, def] of Object.entries(subs)) {
      const m: CommandMeta = (await resolve((await resolve(def))?.meta)) ?? {};
      if (!m.hidden) rows.push([sub, m.description ?? ""]);
    }
    section("COMMANDS", table(rows));
  }
  section("ARGUMENTS", table(positionals.map(([n, d]) => [placeholder(n, d), d.description ?? ""])));

  const flags: Row[] = flagDefs.map(([n, d]) => flagRow(n, d));
  flags.push(["-h, --help", "Show help for this command"]);
  if (path.length === 1) flags.push(["-v, --version", "Print blue's version"]);
  // As gh does: when some flag has a one-letter form, the others are indented to line up their long names.
  const short = flags.some(([left]) => /^-\w, /.test(left));
  section("FLAGS", table(short ? flags.map(([l, r]) => [/^-\w, /.test(l) ? l : `    ${l}`, r]) : flags));

  section("EXAMPLES", (meta.examples ?? []).map((e) => (e.startsWith("#") ? `  ${e}` : `  $ ${e}`)));

  const learn = subs ? [`  Use '${name} <command> --help' for more information about a command.`] : [];
  learn.push("  Exit codes: 0 ok, 1 failed, 2 warnings only, 64 usage error, 69 unreachable, 78 bad configuration.");
  // As gh's top-level help does: where the manual is and where to report a problem (package.json names both).
  if (path.length === 1) learn.push(`  Read the manual at ${pkg.homepage}#readme`);
  section("LEARN MORE", learn);
  if (path.length === 1) section("FEEDBACK", [`  Report a bug or ask for a feature at ${pkg.bugs.url}`]);
  return out.map((l) => l.trimEnd()).join("\n");
}

function isRequired(d: ArgDef): boolean {
  return d.type === "positional" ? d.default === undefined && d.required !== false : Boolean(d.required);
}

function placeholder(name: string, d: ArgDef): string {
  return `<${d.valueHint ?? name}>`;
}

/** One flag: a boolean that defaults to true is shown as its `--no-` form, the one a user would type. */
function flagRow(name: string, d: ArgDef): Row {
  const aliases = "alias" in d && d.alias !== undefined ? [d.alias].flat() : [];
  const short = aliases.find((a) => a.length === 1);
  const long = (n: string) => (short ? `-${short}, --${n}` : `--${n}`);
  if (d.type === "boolean" || d.type === undefined) {
    if (d.default === true) return [long(`no-${name}`), ("negativeDescription" in d && d.negativeDescription) || `Turn off: ${d.description ?? name}`];
    return [long(name), d.description ?? ""];
  }
  let text = d.description ?? "";
  if (d.type === "enum" && d.options?.length) text += `; one of: ${d.options.join(", ")}`;
  if (d.default !== undefined && d.default !== "") text += ` (default: ${d.default})`;
  if (d.required) text += " (required)";
  return [`${long(name)} ${placeholder(name, d)}`, text];
}

/** Left column padded to its widest entry plus three spaces, the right one wrapped beneath itself. */
function table(rows: Row[]): string[] {
  if (rows.length === 0) return [];
  const left = Math.max(...rows.map(([l]) => l.length)) + 3;
  return rows.flatMap(([l, r]) => {
    const lines = r ? wrap(r, Math.max(WIDTH - 2 - left, 30)) : [""];
    return lines.map((text, i) => `  ${(i === 0 ? l : "").padEnd(left)}${text}`.trimEnd());
  });
}

/** Words to lines of at most `width` characters (a longer word stands alone on its line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines;
}
