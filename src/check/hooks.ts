// Validation hooks (RFC "Validation Hooks", DESIGN.md §4): a program in the repo that owns it, run with the repo
// root as cwd, as an argv (never a shell string built from realm data), with a timeout, its path confined to
// the repo. Exit 0 valid, 1 invalid, 2 warning; anything else, a timeout or a refused path is an error.
import { runBounded, type Bounded } from "../system/subprocess.ts";
import { confinedPath } from "./extract.ts";

export type HookOutcome = "valid" | "invalid" | "warning" | "error";
export type HookResult = { hook: string; outcome: HookOutcome; exit_code: number | null; output: string; message: string };

export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

/** Runs one hook. Realm data reaches it only through environment variables, never through a command line. */
export async function runHook(
  root: string,
  hook: string,
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<HookResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  let exe: string;
  try {
    exe = confinedPath(root, hook, "hook");
  } catch (e) {
    return { hook, outcome: "error", exit_code: null, output: "", message: (e as Error).message };
  }
  let run: Bounded;
  try {
    run = await runBounded([exe], { cwd: root, env: { ...process.env, ...opts.env }, timeoutMs });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "EACCES" ? "is not executable (chmod +x it)" : `cannot be run: ${(e as Error).message}`;
    return { hook, outcome: "error", exit_code: null, output: "", message: `hook ${hook} ${why}` };
  }
  const output = `${run.stdout}${run.stderr}`.trim();
  if (run.timedOut) {
    return { hook, outcome: "error", exit_code: null, output, message: `hook ${hook} timed out after ${timeoutMs / 1000}s` };
  }
  const code = run.code;
  if (code === 0) return { hook, outcome: "valid", exit_code: 0, output, message: `hook ${hook} passed` };
  if (code === 1) return { hook, outcome: "invalid", exit_code: 1, output, message: `hook ${hook} failed${firstLine(output)}` };
  if (code === 2) return { hook, outcome: "warning", exit_code: 2, output, message: `hook ${hook} warned${firstLine(output)}` };
  return { hook, outcome: "error", exit_code: code, output, message: `hook ${hook} exited ${code} (expected 0, 1 or 2)${firstLine(output)}` };
}

function firstLine(output: string): string {
  const l = output.split("\n").find((x) => x.trim());
  return l ? `: ${l.trim()}` : "";
}
