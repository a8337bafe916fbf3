// Hand a URL to the desktop's browser: `open` on macOS, `xdg-open` elsewhere (an argv, never a shell string).
// False when there is no opener or it failed, so the caller prints the URL instead.

const OPEN_WAIT_MS = 5_000;

export async function openUrl(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const argv = platform === "darwin" ? ["open", url] : ["xdg-open", url];
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  } catch {
    return false; // no opener installed
  }
  // xdg-open returns once the browser has the URL; a browser it starts itself outlives it (detached).
  const code = await Promise.race([proc.exited, Bun.sleep(OPEN_WAIT_MS).then(() => "waiting" as const)]);
  proc.unref();
  return code === 0 || code === "waiting";
}
