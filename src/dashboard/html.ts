// Escaped HTML templates: every interpolated value is text unless it is already markup made here. Names,
// descriptions and maintainers come from other teams' YAML, so nothing they write can become markup.

/** Markup built by `h` (or the rendered graph): interpolated as is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** `h\`<p>${name}</p>\``: the template's own text is markup, every value is escaped (arrays are joined). */
export function h(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

/** Trusted markup from elsewhere in blue (the SVG renderer, which escapes its own labels). */
export const trusted = (text: string) => new Markup(text);
