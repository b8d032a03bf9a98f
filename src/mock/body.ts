// Request bodies as the mock's routes read them: one JSON object, or nothing usable.
import type { Context } from 'hono';
import type { Env } from './context';
import { difyError } from './errors';

/** The request's JSON object body, or undefined when it has none (or it is not an object). */
export async function jsonBody(c: Context<Env>): Promise<Record<string, unknown> | undefined> {
  const body: unknown = await c.req.json().catch(() => undefined);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** The request's JSON object, or Dify's 400 answer to a body that is not one. */
export async function jsonObject(c: Context<Env>): Promise<Record<string, unknown> | Response> {
  return (await jsonBody(c)) ?? difyError(c, 400, 'invalid_param', 'The request body must be a JSON object.');
}
