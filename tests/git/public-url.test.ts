// What blue writes of a member repo's origin where the realm's other members read it: no credentials.
import { describe, expect, test } from "bun:test";
import { publicUrl } from "../../src/git/public-url.ts";

describe("publicUrl", () => {
  test.each([
    ["https://x-access-token:ghp_secret@github.com/acme/aperture.git", "https://github.com/acme/aperture.git"],
    ["https://ghp_secret@github.com/acme/aperture.git", "https://github.com/acme/aperture.git"],
    ["http://alice:p%40ss@git.example.com:3000/acme/a.git", "http://git.example.com:3000/acme/a.git"],
    ["HTTPS://a:b@Host/x", "HTTPS://Host/x"],
    // A password holding an unencoded '@': the host is what follows the last one.
    ["https://alice:p@ss@git.example.com/a.git", "https://git.example.com/a.git"],
    ["ssh://git:secret@git.example.com:2222/acme/a.git", "ssh://git@git.example.com:2222/acme/a.git"],
    ["ssh://git@git.example.com/acme/a.git", "ssh://git@git.example.com/acme/a.git"],
    ["git+ssh://deploy:pw@host/a.git", "git+ssh://deploy@host/a.git"],
    ["git@github.com:acme/aperture.git", "git@github.com:acme/aperture.git"],
    ["https://github.com/acme/aperture.git", "https://github.com/acme/aperture.git"],
    ["/srv/git/aperture.git", "/srv/git/aperture.git"],
    ["file:///srv/git/aperture.git", "file:///srv/git/aperture.git"],
    // '@' after the host is part of the path, not credentials.
    ["https://host/acme/a@b.git", "https://host/acme/a@b.git"],
  ])("%s → %s", (url, expected) => {
    expect(publicUrl(url)).toBe(expected);
    expect(publicUrl(expected)).toBe(expected);
  });
});
