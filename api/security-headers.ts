// Headers on every answer that keep a browser from misreading it, framing it, keeping it, or passing a token on.
import type { MiddlewareHandler } from 'hono';

/**
 * On every answer. `strict-origin`: the wall's address carries its token (`/wall?token=`), and a Referer of it
 * would put the token into every log that records one (a reverse proxy's access log, the sites its pages fetch
 * from); the origin alone is still sent. Not `no-referrer`, under which a browser sends `Origin: null` on the
 * dashboard's own POSTs (sign-out), which the cross-site check refuses. The page's script policy is in its own
 * <meta> (svelte.config.js, with the hash of its inline script); a <meta> cannot say who may frame the page.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin',
  'content-security-policy': "frame-ancestors 'self'; object-src 'none'; base-uri 'self'",
  'x-frame-options': 'SAMEORIGIN'
};

/**
 * Whether `path` is the API's: its first segment is "api", in any case (/API/kpis is answered as the API's 404), after
 * one slash or more (//api/events, from a base address that ends in a slash), or reads as one once its escaped slash
 * is read (/api%2Fkpis, from a client that escaped the whole path).
 */
export const isApiPath = (path: string) => /^\/+api(\/|%2f|$)/i.test(path);

/** An API answer is figures for one caller's credentials, as of now: no browser or proxy keeps it. */
export const API_HEADERS: Record<string, string> = { ...SECURITY_HEADERS, 'cache-control': 'no-store' };

export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  const headers = isApiPath(c.req.path) ? API_HEADERS : SECURITY_HEADERS;
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
};
