// The rule table: every finding the checker can emit, with its verdict for each RFC direction and the
// set reasoning behind it. docs/compatibility.md lists exactly these rows (a test holds them together).
//
// O = the values the old schema accepts, N = those the new one accepts.
// RFC `backwards` (new data readable by old importers, Registry FORWARD) needs N ⊆ O: the schema may narrow.
// RFC `forwards` (old data readable by new importers, Registry BACKWARD) needs O ⊆ N: the schema may widen.

export type Verdict = "compatible" | "breaking";

/** How a change moves the accepted set; "depends" rules compute it per finding from a nested comparison. */
export type Effect = "narrows" | "widens" | "incompatible" | "neutral" | "depends";

export type Rule = {
  id: string;
  detects: string;
  backwards: Verdict | "depends";
  forwards: Verdict | "depends";
  /** One line of set reasoning; docs/compatibility.md shows it as the "Why" column. */
  reasoning: string;
};

const VERDICTS: Record<Effect, [Rule["backwards"], Rule["forwards"]]> = {
  narrows: ["compatible", "breaking"],
  widens: ["breaking", "compatible"],
  incompatible: ["breaking", "breaking"],
  neutral: ["compatible", "compatible"],
  depends: ["depends", "depends"],
};

export function verdictsOf(effect: Exclude<Effect, "depends">): { backwards: Verdict; forwards: Verdict } {
  const [backwards, forwards] = VERDICTS[effect] as [Verdict, Verdict];
  return { backwards, forwards };
}

const EFFECTS = new Map<string, Effect>();

function rule(id: string, effect: Effect, detects: string, reasoning: string): Rule {
  EFFECTS.set(id, effect);
  const [backwards, forwards] = VERDICTS[effect];
  return { id, detects, backwards, forwards, reasoning };
}

/** Four rows per numeric limit: whether raising it widens or narrows depends on which side it bounds. */
function boundRules(keyword: string, id: string, side: "upper" | "lower"): Rule[] {
  const up = side === "upper";
  return [
    rule(`${id}-added`, "narrows", `\`${keyword}\` added`, "a new limit only rejects values: N ⊆ O"),
    rule(`${id}-removed`, "widens", `\`${keyword}\` removed`, "values past the old limit become valid: O ⊆ N"),
    rule(`${id}-increased`, up ? "widens" : "narrows", `\`${keyword}\` raised`, up ? "values between the old and new limit become valid: O ⊆ N" : "values between the old and new limit become invalid: N ⊆ O"),
    rule(`${id}-decreased`, up ? "narrows" : "widens", `\`${keyword}\` lowered`, up ? "values between the new and old limit become invalid: N ⊆ O" : "values between the new and old limit become valid: O ⊆ N"),
  ];
}

export const RULES: readonly Rule[] = [
  rule("annotation-changed", "neutral", "`title`, `description`, `$comment`, `examples`, `$id`, `$schema`, `$anchor`, `deprecated`, `readOnly` or `writeOnly` changed", "annotations do not take part in validation: N = O"),
  rule("default-changed", "neutral", "`default` added, removed or changed", "`default` does not take part in validation: N = O"),
  rule("unknown-change", "incompatible", "a keyword the checker does not model (or a malformed one) changed", "nothing is known about N and O, so neither inclusion is assumed"),
  rule("false-schema-added", "narrows", "a schema became `false`", "N is empty: N ⊆ O"),
  rule("false-schema-removed", "widens", "a `false` schema now accepts something", "O was empty: O ⊆ N"),

  rule("type-narrowed", "narrows", "`type` allows fewer types (a type removed, `number` → `integer`, or `type` added)", "every type still allowed was allowed before: N ⊆ O"),
  rule("type-widened", "widens", "`type` allows more types (a type added, `integer` → `number`, or `type` removed)", "every type allowed before is still allowed: O ⊆ N"),
  rule("type-changed", "incompatible", "`type` both drops and adds types (e.g. `string` → `integer`)", "each side has values the other rejects"),

  rule("enum-added", "narrows", "`enum` added", "only the listed values remain valid: N ⊆ O"),
  rule("enum-removed", "widens", "`enum` removed", "values outside the old list become valid: O ⊆ N"),
  rule("enum-value-added", "widens", "a value added to `enum`", "one more value is valid: O ⊆ N"),
  rule("enum-value-removed", "narrows", "a value removed from `enum`", "one value fewer is valid: N ⊆ O"),
  rule("const-added", "narrows", "`const` added", "only one value remains valid: N ⊆ O"),
  rule("const-removed", "widens", "`const` removed", "values other than the old constant become valid: O ⊆ N"),
  rule("const-changed", "incompatible", "`const` changed", "the old constant is rejected and a new one accepted"),

  ...boundRules("maximum", "maximum", "upper"),
  ...boundRules("minimum", "minimum", "lower"),
  ...boundRules("exclusiveMaximum", "exclusive-maximum", "upper"),
  ...boundRules("exclusiveMinimum", "exclusive-minimum", "lower"),
  rule("multiple-of-added", "narrows", "`multipleOf` added", "only multiples remain valid: N ⊆ O"),
  rule("multiple-of-removed", "widens", "`multipleOf` removed", "non-multiples become valid: O ⊆ N"),
  rule("multiple-of-narrowed", "narrows", "`multipleOf` changed to a multiple of the old value (2 → 4)", "every multiple of the new value is a multiple of the old: N ⊆ O"),
  rule("multiple-of-widened", "widens", "`multipleOf` changed to a divisor of the old value (4 → 2)", "every multiple of the old value is a multiple of the new: O ⊆ N"),
  rule("multiple-of-changed", "incompatible", "`multipleOf` changed otherwise (2 → 3)", "each side has numbers the other rejects"),

  ...boundRules("maxLength", "max-length", "upper"),
  ...boundRules("minLength", "min-length", "lower"),
  rule("pattern-added", "narrows", "`pattern` added", "only matching strings remain valid: N ⊆ O"),
  rule("pattern-removed", "widens", "`pattern` removed", "every string becomes valid: O ⊆ N"),
  rule("pattern-changed", "incompatible", "`pattern` changed", "inclusion of one regular expression's language in another's is not decided, so neither is assumed"),
  rule("format-added", "narrows", "`format` added", "a validator that asserts formats only rejects more: N ⊆ O"),
  rule("format-removed", "widens", "`format` removed", "strings of any format become valid: O ⊆ N"),
  rule("format-changed", "incompatible", "`format` changed", "the formats overlap in unknown ways, so neither inclusion is assumed"),

  ...boundRules("maxItems", "max-items", "upper"),
  ...boundRules("minItems", "min-items", "lower"),
  rule("unique-items-added", "narrows", "`uniqueItems` turned on", "arrays with duplicates become invalid: N ⊆ O"),
  rule("unique-items-removed", "widens", "`uniqueItems` turned off", "arrays with duplicates become valid: O ⊆ N"),
  // Tuple positions past `prefixItems` are governed by `items` (draft 7: past array `items`, by `additionalItems`).
  rule("item-added-open-model", "narrows", "tuple item added where the old `items` allowed any value (absent or `true`)", "the position was unconstrained and now has a schema: N ⊆ O"),
  rule("item-added-closed-model", "widens", "tuple item added where the old `items` was `false`", "the position was rejected and is now allowed: O ⊆ N"),
  rule("item-added-partial-model", "depends", "tuple item added where the old `items` was a schema", "the position moves from `items`' schema to its own: the verdict of comparing the two"),
  rule("item-removed-open-model", "widens", "tuple item removed where the new `items` allows any value (absent or `true`)", "the position's schema no longer applies: O ⊆ N"),
  rule("item-removed-closed-model", "narrows", "tuple item removed where the new `items` is `false`", "the position was allowed and is now rejected: N ⊆ O"),
  rule("item-removed-partial-model", "depends", "tuple item removed where the new `items` is a schema", "the position moves from its own schema to `items`' schema: the verdict of comparing the two"),

  // A key that a `patternProperties` entry matches keeps that schema on both sides: it counts as open.
  rule("property-added-open-model", "narrows", "property added where the old schema allowed any value for it (`additionalProperties` absent or `true`, or a matching `patternProperties`)", "the key was unconstrained and now has a schema: N ⊆ O"),
  rule("property-added-closed-model", "widens", "property added where the old `additionalProperties` was `false`", "the key was rejected and is now allowed: O ⊆ N"),
  rule("property-added-partial-model", "depends", "property added where the old `additionalProperties` was a schema", "the key moves from `additionalProperties`' schema to its own: the verdict of comparing the two"),
  rule("property-removed-open-model", "widens", "property removed where the new schema allows any value for it (`additionalProperties` absent or `true`, or a matching `patternProperties`)", "the key's schema no longer applies: O ⊆ N"),
  rule("property-removed-closed-model", "narrows", "property removed where the new `additionalProperties` is `false`", "the key was allowed and is now rejected: N ⊆ O"),
  rule("property-removed-partial-model", "depends", "property removed where the new `additionalProperties` is a schema", "the key moves from its own schema to `additionalProperties`' schema: the verdict of comparing the two"),
  rule("property-added-unconstrained", "neutral", "property added whose schema accepts any value (`{}`, `true`) where the old schema allowed any value for it", "the key accepted any value before and after: N = O"),
  rule("property-removed-unconstrained", "neutral", "property removed whose schema accepted any value, where the new schema allows any value for it", "the key accepted any value before and after: N = O"),
  rule("required-added", "narrows", "a property became required", "objects without it become invalid: N ⊆ O"),
  rule("required-removed", "widens", "a property is no longer required", "objects without it become valid: O ⊆ N"),
  rule("additional-properties-removed", "narrows", "`additionalProperties` became `false` (was absent, `true` or a schema)", "undeclared keys become invalid: N ⊆ O"),
  rule("additional-properties-added", "widens", "`additionalProperties` was `false` and now allows keys", "undeclared keys become valid: O ⊆ N"),
  rule("additional-properties-narrowed", "narrows", "`additionalProperties` went from absent or `true` to a schema", "undeclared keys must now match a schema: N ⊆ O"),
  rule("additional-properties-widened", "widens", "`additionalProperties` went from a schema to absent or `true`", "undeclared keys may now hold anything: O ⊆ N"),
  rule("pattern-property-added", "depends", "an entry added to `patternProperties`", "matching undeclared keys move from `additionalProperties` to the pattern's schema: open model narrows, closed model widens, a schema is compared"),
  rule("pattern-property-removed", "depends", "an entry removed from `patternProperties`", "matching undeclared keys move from the pattern's schema to `additionalProperties`: open model widens, closed model narrows, a schema is compared"),
  rule("pattern-unsupported", "incompatible", "a property added or removed where a `patternProperties` pattern that would decide its model cannot be evaluated (a backreference, lookaround, or a pattern RE2 cannot compile)", "which keys the pattern matches is not computed, so neither inclusion is assumed (the check fails closed)"),
  ...boundRules("maxProperties", "max-properties", "upper"),
  ...boundRules("minProperties", "min-properties", "lower"),
  rule("dependent-required-added", "narrows", "a name added to a `dependentRequired` (or array `dependencies`) list", "objects with the trigger but without the name become invalid: N ⊆ O"),
  rule("dependent-required-removed", "widens", "a name removed from a `dependentRequired` (or array `dependencies`) list", "objects with the trigger but without the name become valid: O ⊆ N"),
  rule("dependent-schema-added", "narrows", "a `dependentSchemas` (or schema `dependencies`) entry added", "objects with the trigger must now also match a schema: N ⊆ O"),
  rule("dependent-schema-removed", "widens", "a `dependentSchemas` (or schema `dependencies`) entry removed", "objects with the trigger no longer need to match it: O ⊆ N"),

  rule("all-of-member-added", "narrows", "a member added to `allOf`", "a value must match one more schema: N ⊆ O"),
  rule("all-of-member-removed", "widens", "a member removed from `allOf`", "a value must match one schema fewer: O ⊆ N"),
  rule("any-of-member-added", "widens", "a member added to `anyOf`", "one more way to be valid: O ⊆ N"),
  rule("any-of-member-removed", "narrows", "a member removed from `anyOf`", "one way fewer to be valid: N ⊆ O"),
  rule("one-of-member-added", "depends", "a member added to `oneOf`", "widens like `anyOf` when the new members are provably disjoint; otherwise a value matching two members becomes invalid while others become valid: breaking both ways"),
  rule("one-of-member-removed", "depends", "a member removed from `oneOf`", "narrows like `anyOf` when the old members were provably disjoint; otherwise a value that matched two members becomes valid while others become invalid: breaking both ways"),
  rule("sum-type-added", "narrows", "`anyOf` or `oneOf` added to a schema without it", "values must now match a member: N ⊆ O"),
  rule("sum-type-removed", "widens", "`anyOf` or `oneOf` removed", "values need no longer match a member: O ⊆ N"),
  rule("conditional-added", "narrows", "`if` with `then` or `else` added", "values must now match the branch their `if` picks: N ⊆ O"),
  rule("conditional-removed", "widens", "`if` with `then` or `else` removed", "values need no longer match a branch: O ⊆ N"),
  rule("contains-added", "narrows", "`contains` added", "arrays must now hold a matching item: N ⊆ O"),
  rule("contains-removed", "widens", "`contains` removed", "arrays need no longer hold a matching item: O ⊆ N"),
  // minContains defaults to 1, so it is never added or removed, only raised or lowered.
  ...boundRules("minContains", "min-contains", "lower").filter((r) => !/-(added|removed)$/.test(r.id)),
  ...boundRules("maxContains", "max-contains", "upper"),
  rule("not-added", "narrows", "`not` added", "values matching the negated schema become invalid: N ⊆ O"),
  rule("not-removed", "widens", "`not` removed", "values matching the negated schema become valid: O ⊆ N"),
  rule("ref-added", "narrows", "`$ref` added beside other keywords (a reference alone is compared through)", "values must also match the referenced schema: N ⊆ O"),
  rule("ref-removed", "widens", "`$ref` removed from beside other keywords", "values need no longer match the referenced schema: O ⊆ N"),
];

/** The effect of a rule id; an id missing from the table is a bug in the checker, so it fails loudly in tests. */
export function effectOf(id: string): Effect {
  const effect = EFFECTS.get(id);
  if (effect === undefined) throw new Error(`compat: rule '${id}' is not in RULES`);
  return effect;
}
