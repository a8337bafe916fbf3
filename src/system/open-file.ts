// Hands a file or URL to the desktop's opener: `$BROWSER` when set (the convention xdg-open and gh follow), else
// `open` on macOS and `xdg-open` elsewhere. An argv, never a shell string; detached, so blue does not wait for it.
import { Unreachable } from "../errors.ts";

export function openerArgv(target: string, env: Record<string, string | undefined> = process.env, platform: string = process.platform): string[] {
  const browser = env.BROWSER?.split(":")[0]?.trim();
  if (browser) return [browser, target];
  return [platform === "darwin" ? "open" : "xdg-open", target];
}

export function openFile(target: string): void {
  const argv = openerArgv(target);
  try {
    Bun.spawn(argv, { stdio: ["ignore", "ignore", "ignore"], detached: true }).unref();
  } catch (e) {
    throw new Unreachable(`cannot open ${target} with '${argv[0]}': ${(e as Error).message}`, "Open the file yourself, or set BROWSER to the program that should open it.");
  }
}
