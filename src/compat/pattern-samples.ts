// Strings a `pattern` matches, for the witness search (witness-values.ts): a small reader of the regular
// expressions schemas use (literals, classes, groups, alternation, quantifiers). It decides nothing: ajv (with
// RE2) judges every string it gives, and a pattern it cannot read simply gives none.

/** Strings a pattern matches: the shortest and a longer one, from a small regex reader (literals, classes,
 *  groups, alternation, quantifiers). A pattern it cannot read gives none; ajv judges whatever it gives. */
export function patternSamples(pattern: string): string[] {
  const out = new Set<string>();
  for (const extra of [0, 1, 2]) {
    const r = new RegexSampler(pattern, extra).run();
    if (r !== undefined) out.add(r);
  }
  return [...out];
}

class RegexSampler {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly extra: number,
  ) {}
  run(): string | undefined {
    try {
      const s = this.alt();
      return this.i === this.src.length ? s : undefined;
    } catch {
      return undefined;
    }
  }
  private alt(): string {
    const first = this.seq();
    while (this.src[this.i] === "|") {
      this.i++;
      this.seq(); // the first branch is the one sampled
    }
    return first;
  }
  private seq(): string {
    let out = "";
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const atom = this.atom();
      const [min, max] = this.quantifier();
      const n = Math.min(max, min + (max > min ? this.extra : 0));
      out += atom.repeat(n);
    }
    return out;
  }
  private atom(): string {
    const c = this.src[this.i++]!;
    if (c === "^" || c === "$") return "";
    if (c === ".") return "a";
    if (c === "\\") return this.escape();
    if (c === "[") return this.charClass();
    if (c === "(") {
      if (this.src[this.i] === "?") {
        if (this.src[this.i + 1] !== ":") throw new Error("lookaround or named group");
        this.i += 2;
      }
      const s = this.alt();
      if (this.src[this.i++] !== ")") throw new Error("unclosed group");
      return s;
    }
    if ("*+?{}".includes(c)) throw new Error("dangling quantifier");
    return c;
  }
  private escape(): string {
    const c = this.src[this.i++];
    if (c === undefined) throw new Error("trailing backslash");
    const classes: Record<string, string> = { d: "0", D: "a", w: "a", W: "-", s: " ", S: "a", n: "\n", t: "\t", r: "\r" };
    if (c in classes) return classes[c]!;
    if (/[0-9bBkpPux]/.test(c)) throw new Error("unsupported escape");
    return c;
  }
  private charClass(): string {
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    const members: string[] = [];
    while (this.i < this.src.length && (this.src[this.i] !== "]" || members.length === 0)) {
      let c = this.src[this.i++]!;
      if (c === "\\") c = this.escape();
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        let end = this.src[this.i++]!;
        if (end === "\\") end = this.escape();
        for (let k = c.charCodeAt(0); k <= end.charCodeAt(0) && members.length < 256; k++) members.push(String.fromCharCode(k));
      } else members.push(c);
    }
    if (this.src[this.i++] !== "]") throw new Error("unclosed class");
    if (!negated) return members[0]!;
    const pick = [..."a0_-. xZ"].find((ch) => !members.includes(ch));
    if (pick === undefined) throw new Error("no character outside the class");
    return pick;
  }
  private quantifier(): [number, number] {
    const c = this.src[this.i];
    let q: [number, number] = [1, 1];
    if (c === "*") q = [0, Infinity];
    else if (c === "+") q = [1, Infinity];
    else if (c === "?") q = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return q;
      this.i += m[0].length - 1;
      q = [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Infinity];
    } else return q;
    this.i++;
    if (this.src[this.i] === "?" || this.src[this.i] === "+") this.i++; // lazy or possessive: the same strings
    if (q[0] > 1024) throw new Error("too long");
    return q;
  }
}
