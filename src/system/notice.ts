// One line for the user about state blue had to repair (a store it could not read, moved aside). A command prints
// it on stderr at once. The daemon has no terminal: it logs the line and leaves it in $BLUE_HOME/notices, and the
// next blue command prints it, once (whoever renames the file first owns it).
import { appendFileSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { blueHome } from "./home.ts";
import { PRIVATE_FILE } from "./private.ts";

let sink: (text: string) => void = (text) => console.error(`warning: ${text}`);

/** Tell the user `text` (one line, without "warning:"). */
export function notice(text: string): void {
  sink(text);
}

/** Where notices go in this process (the daemon: its log and the notices file). */
export function setNoticeSink(fn: (text: string) => void): void {
  sink = fn;
}

export const noticesPath = () => join(blueHome(), "notices");

/** Keep `text` for the next command to print. */
export function leaveNotice(text: string): void {
  appendFileSync(noticesPath(), `${text.replace(/\n/g, " ")}\n`, { mode: PRIVATE_FILE });
}

/** The notices left for this command, removed as they are taken; none in the common case costs one failed rename. */
export function takeNotices(): string[] {
  const path = noticesPath();
  const mine = `${path}.${process.pid}`;
  try {
    renameSync(path, mine);
  } catch {
    return [];
  }
  try {
    return readFileSync(mine, "utf8").split("\n").filter(Boolean);
  } finally {
    rmSync(mine, { force: true });
  }
}
