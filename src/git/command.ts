// The user's own `git`, run directly (their config, credentials, signing and hooks), answering the way
// simple-git's `raw` did, which blue used before: the trimmed stdout, or a rejection carrying git's stdout and
// stderr when git exits non-zero *and* says why on stderr (a silent non-zero exit, like `rev-parse --verify -q`
// on a missing ref or `config --get` of an unset key, answers with its empty output). simple-git waited 50 ms
// after every command that printed nothing (`fetch -q`, `commit -q`, `push -q`, …) before answering: a sync
// ran a dozen of them.
export type GitCommand = {
  raw(args: string[]): Promise<string>;
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
  const raw = async (args: string[]): Promise<string> => {
    const proc = Bun.spawn(["git", ...args], { cwd: dir, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0 && stderr.length > 0) throw new GitFailed(`${stdout}${stderr}`, code);
    return stdout.trim();
  };
  return {
    raw,
    clone: (url, dest) => raw(["clone", url, dest]),
    listRemote: (args) => raw(["ls-remote", ...args]),
  };
}
