// Running a program from a repo (validation hooks, extract commands): an argv, never a shell string; its own
// process group, so a timeout kills everything it started (a child holding stdout open cannot hang blue).
export type Bounded = { code: number | null; timedOut: boolean; stdout: string; stderr: string };

export async function runBounded(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs: number; /** Written to stdin (e.g. `git credential fill`'s request). */ input?: string },
): Promise<Bounded> {
  const stdin = opts.input === undefined ? "ignore" : new Blob([opts.input]);
  const proc = Bun.spawn(argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdin, stdout: "pipe", stderr: "pipe", detached: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      proc.kill("SIGKILL");
    }
  }, opts.timeoutMs);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code: timedOut ? null : code, timedOut, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
