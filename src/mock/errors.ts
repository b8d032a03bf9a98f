// The error answers the mock shares: Dify's JSON error body and Werkzeug's HTML 404 page.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Werkzeug's 404 page: what Dify answers for a path its routes do not match (e.g. a non-UUID id). */
export const WERKZEUG_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

export function difyError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ code, message, status }, status);
}
