// The one clock blue reads. BLUE_NOW (an ISO 8601 time) pretends another moment: tests use it to pass a grace
// period without sleeping; nobody else needs it.
export function clockNow(env: NodeJS.ProcessEnv = process.env): Date {
  const fake = env.BLUE_NOW;
  if (fake) {
    const t = Date.parse(fake);
    if (!Number.isNaN(t)) return new Date(t);
  }
  return new Date();
}
