// The user's own `git`, run directly (their config, credentials, signing and hooks), answering the way
// simple-git's `raw` did, which blue used before: the trimmed stdout, or a rejection carrying git's stdout and
// stderr when git exits non-zero *and* says why on stderr (a silent non-zero exit, like `rev-parse --verify -q`
// on a missing ref or `config --get` of an unset key, answers with its empty output). simple-git waited 50 ms
// after every command that printed nothing (`fetch -q`, `commit -q`, `push -q`, …) before answering: a sync
// ran a dozen of them.
export type GitCommand = {
  raw(args: string[]): Promise<string>;
  /** Exit code and both outputs, whatever git says: for commands whose exit status is the answer. */
  exec(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  clone(url: string, dest: string): Promise<string>;
  listRemote(args: string[]): Promise<string>;
};

export class GitFailed extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = "GitFailed";
  }
}

export function gitCommand(dir: string, env: Record<string, string | undefined>): GitCommand {
  const exec = async (args: string[]) => {
    const proc = Bun.spawn(["git", ...args], { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  };
  const raw = async (args: string[]): Promise<string> => {
    const { code, stdout, stderr } = await exec(args);
    if (code !== 0 && stderr.length > 0) throw new GitFailed(`${stdout}${stderr}`, code);
    return stdout.trim();
  };
  return {
    raw,
    exec,
    clone: (url, dest) => raw(["clone", url, dest]),
    listRemote: (args) => raw(["ls-remote", ...args]),
  };
}
