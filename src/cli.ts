// Entry point: the citty root command with lazily loaded subcommands, strict flag checking, and the one place
// where an error becomes a message and an exit code.
import { existsSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };

const argv = process.argv.slice(2);
// `blue --version --verbose` (or --json) is the version command with those flags.
if ((argv[0] === "--version" || argv[0] === "-v") && argv.length > 1) argv[0] = "version";
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
  // Fast path: nothing else is loaded to answer this.
  // console.log, not process.stdout: creating that stream alone costs ~25 ms (see ui/output.ts).
  console.log(`blue ${pkg.version}`);
  process.exit(0);
}

// `blue realm sync` with nothing to do answers before the sync machinery loads (sync/in-sync.ts); anything it is
// not certain of runs the full command below, as before.
if (argv.length === 2 && argv[0] === "realm" && argv[1] === "sync" && !process.env.BLUE_NO_FAST_SYNC) {
  // The session is refreshed beside the decision, as the full command does beside its run (refreshed twice when the
  // fast path cannot answer: the same session, the same answer).
  const session = import("./daemon/session.ts").then((m) => m.refreshSessionIfRunning());
  const { syncIfInSync } = await import("./sync/in-sync.ts");
  const done = await syncIfInSync().catch(() => undefined);
  if (done) {
    const { emoji, ok, line } = await import("./ui/output.ts");
    await session;
    line(`${emoji("📤")}Syncing with realm '${done.realm}'...`);
    ok(`${done.repo} is in sync with the realm: no contract changes, no acknowledgements due`);
    process.exit(0);
  }
}

if (argv[0] === "__daemon") {
  // Hidden: the daemon is this same executable (DESIGN.md §1). It runs until SIGTERM.
  const { runDaemon } = await import("./daemon/server.ts");
  await runDaemon().catch((e: unknown) => {
    // Its output is daemon.log, whose last line the CLI shows as the reason it did not start: one line, not a trace.
    console.log(`${new Date().toISOString()} cannot start: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
    process.exit(1);
  });
} else {
  await runCli();
}

async function runCli(): Promise<void> {
const { defineCommand, parseCommandArgs, unknownFlag } = await import("./cli-args.ts");
type CommandDef = import("citty").CommandDef<import("citty").ArgsDef>;
const { BlueError, ExitCode, fallbackHint, formatProblem, UnknownName, ConfigError } = await import("./errors.ts");
const { errorLine, line, stdoutColour, warnStderr } = await import("./ui/output.ts");

const main = defineCommand({
  meta: { name: "blue", version: pkg.version, description: "Coordinate the contracts between repositories owned by different teams" },
  subCommands: {
    realm: () => import("./commands/realm.ts").then((m) => m.realm),
    daemon: () => import("./commands/daemon.ts").then((m) => m.daemon),
    schema: () => import("./commands/schema.ts").then((m) => m.schema),
    mcp: () => import("./commands/mcp.ts").then((m) => m.mcp),
    version: () => import("./commands/version.ts").then((m) => m.version),
    upgrade: () => import("./commands/upgrade.ts").then((m) => m.upgrade),
    dashboard: () => import("./commands/dashboard.ts").then((m) => m.dashboard),
  },
});

const resolve = async <T>(v: T | Promise<T> | (() => T | Promise<T>)): Promise<T> =>
  typeof v === "function" ? (v as () => T | Promise<T>)() : v;

type Resolved = { cmd: CommandDef; path: string[]; rest: string[] };

/** Walk the subcommand names at the front of argv down to the command that will run. */
async function resolveCommand(root: CommandDef, args: string[]): Promise<Resolved> {
  let cmd = root;
  const path = ["blue"];
  let rest = args;
  for (;;) {
    const subs = await resolve(cmd.subCommands);
    const name = rest[0];
    if (!subs || name === undefined || name.startsWith("-")) return { cmd, path, rest };
    const next = subs[name];
    if (!next) {
      const where = path.join(" ");
      throw new UnknownName(`unknown command '${name}' for '${where}'`, `Run '${where} --help' to see the commands.`, name, Object.keys(subs));
    }
    cmd = (await resolve(next)) as CommandDef;
    path.push(name);
    rest = rest.slice(1);
  }
}

/** The help text, rendered by ui/help.ts (loaded only for this). */
async function usage(cmd: CommandDef, path: string[]): Promise<string> {
  const { renderHelp } = await import("./ui/help.ts");
  return renderHelp(cmd, path, { bold: stdoutColour });
}

/** Commands that compute for longer than they start: checks, impact, graphs, contracts' views, the dashboard, MCP. */
const HEAVY = ["blue realm check", "blue realm impact", "blue realm graph", "blue realm contract", "blue dashboard", "blue mcp", "blue schema"];

/** The command that runs, once known: what an error's fallback hint names. */
let running = "blue";

async function run(): Promise<number> {
  const resolved = await resolveCommand(main as CommandDef, argv);
  const { cmd, path, rest } = resolved;
  running = path.join(" ");
  const dashdash = rest.indexOf("--");
  const own = dashdash === -1 ? rest : rest.slice(0, dashdash);
  if (own.includes("--help") || own.includes("-h")) {
    line(await usage(cmd, path));
    return ExitCode.ok;
  }
  const subs = await resolve(cmd.subCommands);
  if (subs && !cmd.run) {
    const stray = own.find((a) => a.startsWith("-"));
    if (stray) throw unknownFlag(stray, {}, path.join(" "));
    // A command group without a subcommand: show what it offers, like `gh repo`.
    line(await usage(cmd, path));
    return ExitCode.ok;
  }
  const args = parseCommandArgs((await resolve(cmd.args)) ?? {}, rest, path.join(" "));
  // Commands whose work runs long enough for the JIT to pay get the normal policy (system/jit.ts).
  if (HEAVY.some((h) => running === h || running.startsWith(`${h} `))) (await import("./system/jit.ts")).fullJit();
  // Realm commands run inside a member repo refresh its session (status registers its own, starting the daemon).
  const session = path[1] === "realm" && path[2] !== "status" ? refreshSession() : undefined;
  const result = await cmd.run?.({ rawArgs: rest, args, cmd });
  await session;
  return typeof result === "number" ? result : ExitCode.ok;
}

/** Only a member repo has a session; elsewhere (the realm repo itself, CI) nothing more is loaded. */
async function refreshSession(): Promise<void> {
  const { CONFIG_PATH, findRepoRoot } = await import("./system/repo-root.ts");
  const root = findRepoRoot();
  if (!root || !existsSync(join(root, CONFIG_PATH))) return;
  const { refreshSessionIfRunning } = await import("./daemon/session.ts");
  await refreshSessionIfRunning(root);
}

/** A mistyped name gets the closest one it could have meant (ui/did-you-mean.ts, loaded only then). */
async function suggest(e: unknown): Promise<unknown> {
  if (e instanceof UnknownName) {
    const { didYouMean } = await import("./ui/did-you-mean.ts");
    const close = didYouMean(e.given, e.candidates);
    if (close) e.message = `${e.message}. Did you mean '${close}'?`;
  }
  return e;
}

function report(e: unknown): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) console.error(`${p.severity === "warning" ? "warning: " : ""}${formatProblem(p)}`);
  }
  if (e instanceof BlueError) {
    errorLine(e.message, e.hint ?? fallbackHint(e, running));
    return e.exitCode;
  }
  const err = e as { message?: string };
  errorLine(`internal error: ${err?.message ?? String(e)}`, "This is a bug in blue. Run again with BLUE_DEBUG=1 for details and report it.");
  if (process.env.BLUE_DEBUG) console.error((e as Error)?.stack ?? "");
  return ExitCode.failed;
}

// BLUE_HOME is private (system/private.ts): an existing one others can read is tightened before the command
// writes there, and one this command created (init, join) once it is done. Then whatever the daemon had to
// repair on its own (a daemon.db it could not read) is told, once, by the command that comes after.
const { tightenBlueHome } = await import("./system/private.ts");
tightenBlueHome();
const code = await run().catch(async (e: unknown) => report(await suggest(e)));
tightenBlueHome();
const { takeNotices } = await import("./system/notice.ts");
for (const text of takeNotices()) warnStderr(text);
// `blue mcp` answers through process.stdout (the SDK's transport): flush it, since process.exit can cut off a
// large write to a pipe. Everything else prints with console.log, which is written out before exit.
if (argv[0] === "mcp") await new Promise<void>((done) => (process.stdout.write("") ? done() : process.stdout.once("drain", done)));
process.exit(code);
}
