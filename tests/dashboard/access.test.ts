// The dashboard's door as data: codes and sessions with an injected clock and injected secrets.
import { describe, expect, test } from "bun:test";
import { CODE_TTL_MS, cookieName, createAccess, SESSION_IDLE_MS } from "../../src/dashboard/access.ts";

function setup() {
  let now = 1_000_000;
  let n = 0;
  const access = createAccess({ now: () => now, random: () => `secret-${++n}` });
  return { access, advance: (ms: number) => (now += ms) };
}

describe("dashboard access", () => {
  test("a code is spent by its first exchange; the session it opens has its own id and CSRF token", () => {
    const { access } = setup();
    const { code } = access.mintCode();
    const s = access.exchange(code)!;
    expect(s).toMatchObject({ id: "secret-2", csrf: "secret-3" });
    expect(access.exchange(code)).toBeUndefined();
    expect(access.session(s.id)).toBe(s);
    expect(access.session("secret-1")).toBeUndefined(); // the code is not a session
  });

  test("a code expires after its minute; a session after its idle time, kept alive by use", () => {
    const { access, advance } = setup();
    const late = access.mintCode().code;
    advance(CODE_TTL_MS);
    expect(access.exchange(late)).toBeUndefined();
    const s = access.exchange(access.mintCode().code)!;
    advance(SESSION_IDLE_MS - 1);
    expect(access.session(s.id)).toBe(s);
    advance(SESSION_IDLE_MS - 1);
    expect(access.session(s.id)).toBe(s);
    advance(SESSION_IDLE_MS + 1);
    expect(access.session(s.id)).toBeUndefined();
  });

  test("several codes wait at once, each for its own exchange; past 16 the oldest goes", () => {
    const { access } = setup();
    const codes = Array.from({ length: 17 }, () => access.mintCode().code);
    expect(access.exchange(codes[0]!)).toBeUndefined();
    expect(access.exchange(codes[16]!)).toBeDefined();
    expect(access.exchange(codes[1]!)).toBeDefined();
  });

  test("CSRF: only the session's own token matches; ending a session forgets it", () => {
    const { access } = setup();
    const a = access.exchange(access.mintCode().code)!;
    const b = access.exchange(access.mintCode().code)!;
    expect(access.csrfMatches(a, a.csrf)).toBe(true);
    expect(access.csrfMatches(a, b.csrf)).toBe(false);
    expect(access.csrfMatches(a, undefined)).toBe(false);
    expect(access.csrfMatches(a, "")).toBe(false);
    access.end(a.id);
    expect(access.session(a.id)).toBeUndefined();
    expect(access.session(b.id)).toBe(b);
  });

  test("the cookie's name carries the port", () => {
    expect(cookieName(7865)).toBe("blue_dashboard_7865");
  });
});
