// A git remote URL as blue may write it where others read it (a realm's repos/<repo>.yaml, a coordinated change's
// record in the realm remote, `--json`): without the credentials a URL can carry. `https://user:token@host/…` and
// `https://token@host/…` (forges take a token as the user name) lose their user part; an ssh URL keeps its user
// (`ssh://git@host/…`: no secret, and the URL does not reach the repo without it) and loses only a password.
// scp-like `git@host:path`, paths and file URLs carry none. git then finds credentials the usual way (a credential
// helper, an ssh key) wherever the URL is used.

const WITH_AUTHORITY = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;

export function publicUrl(url: string): string {
  const m = WITH_AUTHORITY.exec(url);
  if (!m) return url;
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf("@");
  if (at === -1) return url;
  const user = authority.slice(0, at);
  const host = authority.slice(at + 1);
  const keepsUser = /^(ssh|git\+ssh|ssh\+git)$/i.test(scheme);
  const kept = keepsUser ? user.split(":")[0]! : "";
  return `${scheme}://${kept ? `${kept}@` : ""}${host}${rest}`;
}
