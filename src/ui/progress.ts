// Progress over several repos (`[2/5] fungal-image-analysis: opening PR…`) and notices of rate-limit waits, on
// stderr. Progress shows only on a terminal outside CI: a CI log gets the final table alone. A rate-limit wait
// is announced everywhere, CI included, since it can hold a command for minutes and the log should say why.
import { dim, stderrIsTTY } from "./output.ts";

type Env = Record<string, string | undefined>;

/** CI=true (GitHub Actions, Forgejo Actions, GitLab and most others set it). */
export function inCI(env: Env = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}

/** One step of work over a set of repos (or sync branches): `n` of `total`, counted from 1. */
export type Progress = (step: { n: number; total: number; name: string; doing: string }) => void;

export const noProgress: Progress = () => undefined;

/** One line per step on stderr, kept in the terminal's scrollback like the other progress lines blue prints. */
export function repoProgress(o: { tty?: boolean; env?: Env; write?: (line: string) => void } = {}): Progress {
  const env = o.env ?? process.env;
  if (!(o.tty ?? stderrIsTTY) || inCI(env) || env.BLUE_QUIET) return noProgress;
  const write = o.write ?? ((s: string) => console.error(s));
  return ({ n, total, name, doing }) => write(`${dim(`[${n}/${total}]`)} ${name}: ${doing}…`);
}

/** 14:05:10, the local time a user reads on their clock. */
export function clockTime(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, "0")).join(":");
}

/** "2 min 3 s", "45 s", "1 h 5 min". */
export function spoken(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  if (h) return m ? `${h} h ${m} min` : `${h} h`;
  if (m) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** `GitHub rate limit: waiting until 14:05:10 (2 min 3 s) — --max-wait 10m` */
export function rateLimitText(w: { forge: string; until: Date; ms: number; maxWait: string }): string {
  return `${w.forge} rate limit: waiting until ${clockTime(w.until)} (${spoken(w.ms)}) — --max-wait ${w.maxWait}`;
}

export function rateLimitNotice(w: { forge: string; until: Date; ms: number; maxWait: string }, env: Env = process.env): void {
  if (!env.BLUE_QUIET) console.error(rateLimitText(w));
}
