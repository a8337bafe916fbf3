// The one place that decides how blue talks: results on stdout, diagnostics and progress on stderr,
// colour and emoji only on a TTY without NO_COLOR, and exactly one JSON document under --json.
// Lines go out through console.log/console.error, never process.stdout/stderr: merely creating those Node
// streams costs a compiled blue ~25 ms (bench/README.md), a third of a repeated `check`. console.log with one
// string argument prints it as is (no % formatting), and all of it is written before process.exit.
import type { ConsolaInstance } from "consola";
import { fstatSync, statSync } from "node:fs";
import { formatProblem, type Problem } from "../errors.ts";

const env = process.env;
const plain = Boolean(env.NO_COLOR) || env.TERM === "dumb";

/** Whether fd is a terminal: a character device other than /dev/null (the one that stands in for output
 *  thrown away). node:tty's isatty would do, but loading node:tty costs ~14 ms (it loads Node's streams). */
export function isTerminal(fd: number): boolean {
  try {
    const s = fstatSync(fd);
    return s.isCharacterDevice() && s.rdev !== statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}
export const stdoutIsTTY = isTerminal(1);
export const stderrIsTTY = isTerminal(2);
const colour = stdoutIsTTY && !plain;
/** Whether results on stdout are coloured (part of what a kept check printed: ui/check-report.ts). */
export const stdoutColour = colour;

/** Pictographic emoji (📊 📤 🔔) only where colour is allowed; the marks ✓ ⚠ ✗ are plain text and always shown. */
export function emoji(e: string): string {
  return colour ? `${e} ` : "";
}

const paint = (code: number) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[39m` : s);
export const green = paint(32);
export const yellow = paint(33);
export const red = paint(31);
export const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[22m` : s);

export function line(text = ""): void {
  console.log(text);
}
/** A result line with its mark (✓ ⚠ ✗), as text: for output built up and printed at once. */
export const okText = (text: string) => `${green("✓")} ${text}`;
export const warnText = (text: string) => `${yellow("⚠")} ${text}`;
export const failText = (text: string) => `${red("✗")} ${text}`;

export function ok(text: string): void {
  line(okText(text));
}
export function warnLine(text: string): void {
  line(warnText(text));
}
export function failLine(text: string): void {
  line(failText(text));
}

export function json(doc: unknown): void {
  console.log(JSON.stringify(doc, null, 2));
}

/** An error for the user: one line on stderr (plus an optional hint line), never a stack trace. */
export function errorLine(message: string, hint?: string): void {
  const tag = stderrIsTTY && !plain ? "\x1b[31merror\x1b[39m" : "error";
  console.error(`${tag}: ${message}`);
  if (hint) console.error(hint);
}

let logger: ConsolaInstance | undefined;
/** Progress and notes go to stderr through consola (loaded on first use), so stdout stays clean for results and --json. */
export async function log(): Promise<ConsolaInstance> {
  const { createConsola } = await import("consola");
  logger ??= createConsola({
    stdout: process.stderr,
    stderr: process.stderr,
    // Progress only on a terminal; piped output and CI logs get warnings and errors alone.
    level: env.BLUE_QUIET || !stderrIsTTY ? 1 : 3,
    formatOptions: { date: false, colors: stderrIsTTY && !plain, compact: true },
  });
  return logger;
}

/** Problems that do not stop the command (unknown fields, …), one line each on stderr. */
export function warnProblems(problems: readonly Problem[]): void {
  for (const p of problems) if (p.severity === "warning") console.error(`warning: ${formatProblem(p)}`);
}

/** A note that does not change the result (e.g. the cache was rebuilt): one line on stderr. */
export function warnStderr(text: string): void {
  console.error(`warning: ${text}`);
}

/** A progress line for long work (clone, fetch, push), on a TTY only. */
export async function progress(message: string): Promise<void> {
  if (stderrIsTTY && !env.BLUE_QUIET) (await log()).start(message);
}

/** "5 min ago" */
export function ago(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}
