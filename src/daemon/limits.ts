// What the daemon takes in one request body, per route: a client's mistake or a flood is refused with the error
// document (415, 413) before it is parsed, let alone stored. The Zod schemas in api.ts then bound each field.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

const KB = 1024;
/** Bytes per JSON route: above what any valid body of plain text needs (the schemas' own bounds), far below what
 *  would hurt. Routes not listed take no body; one sent to them is never read. */
export const BODY_LIMITS = {
  /** {name, url, local_path}: two paths of at most 4,096 characters. */
  realm: 16 * KB,
  /** A session (a path, names, three lists of at most 100 names): also the status route's {session}. */
  session: 96 * KB,
  /** A notification: `changes` at most 64 KB, at most 500 recipients. */
  notification: 256 * KB,
  /** {repo}, or {key | contract | up_to}. */
  ack: 4 * KB,
} as const;

/** The media types a JSON route takes (as Hono's validator reads them): application/json, application/*+json. */
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

const refuse = (c: Context, status: 413 | 415, code: string, message: string) => c.json({ error: { code, message } }, status);

/** A JSON route's body: of a JSON media type (else 415 unsupported_media_type) and at most `limit` bytes (else
 *  413 too_large, from Content-Length before reading, or counted while reading a chunked body). */
export function jsonBody(limit: number): MiddlewareHandler {
  const limited = bodyLimit({ maxSize: limit, onError: (c) => refuse(c, 413, "too_large", `the request body is over this route's limit of ${limit / KB} KB`) });
  return async (c, next) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (!JSON_TYPE.test(type)) return refuse(c, 415, "unsupported_media_type", `this route takes application/json${type ? `, not ${type}` : ""}`);
    return limited(c, next);
  };
}
