// The modes of `blue realm check` (RFC "Check modes"), apart from the checker so the command's arguments are
// defined without loading it.
export const MODES = ["contract", "exporter", "importer", "compatibility", "ownership"] as const;
export type Mode = (typeof MODES)[number];
