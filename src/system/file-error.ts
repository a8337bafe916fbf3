// Why a file could not be read, in words: Node's errors say "ENOENT: no such file or directory, open '/x'",
// which repeats the path and leads with a code a user should not need to know.

export function fileErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return (e as Error)?.message?.split("\n")[0] ?? String(e);
  }
}
