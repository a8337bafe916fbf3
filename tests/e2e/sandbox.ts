// A throwaway world for running the compiled binary as a user would: its own BLUE_HOME, runtime dir,
// daemon port, git identity and repos, all under one temp dir.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve(import.meta.dir, "../../dist/blue");

export type Run = { code: number; stdout: string; stderr: string };

export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), "blue-e2e-"));
  readonly env: Record<string, string>;

  constructor(readonly name = "machine") {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'bun run build.ts' first (the test script does)`);
    const gitconfig = join(this.root, "gitconfig");
    writeFileSync(gitconfig, "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n");
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("GIT_") && !k.startsWith("BLUE_")) env[k] = v;
    delete env.NO_COLOR;
    // Whether a run is "in CI" changes what blue does (ci_only hooks, untrusted commands are errors): a test says
    // so itself, whatever machine runs the suite.
    delete env.CI;
    this.env = {
      ...env,
      HOME: join(this.root, "user-home"),
      BLUE_HOME: join(this.root, "blue-home"),
      XDG_RUNTIME_DIR: join(this.root, "run"),
      BLUE_DAEMON_PORT: "0",
      BLUE_REALM_FETCH_SECONDS: "0",
      GIT_CONFIG_GLOBAL: gitconfig,
      GIT_CONFIG_NOSYSTEM: "1",
    };
    mkdirSync(this.env.HOME!, { recursive: true });
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** A new git repo (with one commit) at root/<name>. */
  repo(name: string): string {
    const dir = this.path(name);
    mkdirSync(dir, { recursive: true });
    this.git(dir, "init", "-q");
    writeFileSync(join(dir, "README.md"), `# ${name}\n`);
    this.git(dir, "add", "README.md");
    this.git(dir, "commit", "-q", "-m", "initial");
    return dir;
  }

  /**
   * Teardown: SIGTERM this sandbox's daemon, if one runs, without waiting. `blue daemon stop` waits until the
   * process is reaped, which this machine's PID 1 does only every ~1.5 s; tests of stopping call the command.
   */
  shutDaemon(): void {
    try {
      const pid = Number.parseInt(readFileSync(join(this.env.XDG_RUNTIME_DIR!, "blue", "blue.pid"), "utf8"), 10);
      if (pid > 0) process.kill(pid, "SIGTERM");
    } catch {}
  }

  blue(cwd: string, ...args: string[]): Run {
    return this.exec(BIN, args, cwd);
  }

  /** Run the binary without waiting: for tests that start several at the same moment. */
  async blueAsync(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    const p = Bun.spawn([BIN, ...args], { cwd, env: { ...this.env, ...extraEnv }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  }

  git(cwd: string, ...args: string[]): string {
    const r = this.exec("git", args, cwd);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${r.stderr}`);
    return r.stdout.trim();
  }

  exec(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Run {
    const r = spawnSync(cmd, args, { cwd, env: { ...this.env, ...extraEnv }, encoding: "utf8", timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  realmClone(name: string): string {
    return join(this.env.BLUE_HOME!, "realms", name);
  }
  defaultRemote(name: string): string {
    return join(this.env.BLUE_HOME!, "remotes", `${name}.git`);
  }
}

/** The RFC's Initial Setup, verbatim, in a fresh sandbox. */
export function initialSetup(sb = new Sandbox()) {
  const aperture = sb.repo("aperture");
  const fungal = sb.repo("fungal-image-analysis");
  const steps = [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "letemcook"),
    sb.blue(aperture, "realm", "admin", "join", "letemcook"),
    sb.blue(aperture, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal-image-analysis", "--contract", "s3-permissions"),
    sb.blue(fungal, "realm", "admin", "join", "letemcook"),
  ];
  return { sb, aperture, fungal, steps };
}

/** Lines of stderr that look like a stack trace: a user must never see one. */
export function stackTrace(r: Run): boolean {
  return /^\s+at .+[:(]/m.test(r.stderr) || /\bTypeError\b|\bReferenceError\b/.test(r.stderr);
}

/** Make a bare repo refuse pushes to main as Forgejo's protected branches do (its pre-receive hook's words). */
export function protectMain(bare: string): void {
  const hook = join(bare, "hooks", "pre-receive");
  writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "refs/heads/main" ]; then\n    echo "Forgejo: Not allowed to push to protected branch main" >&2\n    exit 1\n  fi\ndone\n', { mode: 0o755 });
}

/** `blue` run with a `git` on PATH that logs each command line before running the real git: what a run asked of
 *  git, in order (one line per command, its arguments as given). */
export function gitLogging(sb: Sandbox): (cwd: string, args: string[], env?: Record<string, string>) => Run & { git: string[] } {
  const real = sb.exec("sh", ["-c", "command -v git"], sb.root).stdout.trim();
  const bin = sb.path("logging-bin");
  const log = sb.path("git.log");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return (cwd, args, env = {}) => {
    writeFileSync(log, "");
    const r = sb.exec(BIN, args, cwd, { PATH: `${bin}:${sb.env.PATH ?? process.env.PATH}`, ...env });
    return { ...r, git: readFileSync(log, "utf8").split("\n").filter(Boolean) };
  };
}
