// Content models: what a schema says about an object key its `properties` do not list, or an array
// position past its tuple. Adding or removing a property or tuple item is judged against it.

import { combinedVerdicts, report, reportWith, subCtx, type Ctx, type Located, type Verdicts } from "./context.ts";
import { acceptsEverything } from "./keywords.ts";

/** Any value allowed (open), none (closed), or those a schema accepts (partially open). */
export type ContentModel = "open" | "closed" | Located;

/** The verdicts of moving a key (or array position) from one schema to another: a nested comparison. */
export function movedVerdicts(ctx: Ctx, from: Located, to: Located): Verdicts {
  const sub = subCtx(ctx);
  ctx.walk(sub, from, to);
  return combinedVerdicts(sub.findings);
}

export function modelOf(rest: unknown, at: string): ContentModel {
  if (acceptsEverything(rest)) return "open";
  return rest === false ? "closed" : { schema: rest, at };
}

/**
 * Shared by properties and tuple items: which of the three model rules a key or position that came or
 * went falls under. `what` names it for the message ("property 'experiments' added (optional, default=[])").
 */
export function reportModelChange(ctx: Ctx, thing: "property" | "item", change: "added" | "removed", model: ContentModel, own: Located, pointer: string, what: string): void {
  const rule = `${thing}-${change}-${typeof model === "string" ? model : "partial"}-model`;
  if (typeof model === "string") return report(ctx, rule, pointer, `${what}, ${model} content model`);
  const verdicts = change === "added" ? movedVerdicts(ctx, model, own) : movedVerdicts(ctx, own, model);
  reportWith(ctx, rule, pointer, `${what}, compared with the schema for undeclared ${thing === "property" ? "keys" : "items"}`, verdicts);
}

