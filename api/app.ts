// Builds the Hono app with its routes mounted. Nothing listens here (see server.ts), so tests call app.request().
import { Hono, type Context } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import type { SideFileGone } from '../db/side-files';
import type { Config } from './config';
import type { GroupCommit } from './ingest/group-commit';
import { authorize, honoAccessors, isDenial, requireRole, twoTokens } from './auth/middleware';
import { failureAnswer, honoAnswer } from './answers';
import { RETRY_AFTER_SECONDS } from './ingest/failure';
import { authRoutes } from './routes/auth';
import { drillRoutes } from './routes/drill';
import { eventsRoutes } from './routes/events';
import { kpiRoutes } from './routes/kpis';
import { seenRoutes } from './routes/seen';
import { slaPolicyRoutes } from './routes/sla-policies';
import { targetRoutes } from './routes/targets';
import { teamNameRoutes } from './routes/team-names';
import { adminChangeRoutes } from './routes/admin-changes';
import { tokenRoutes } from './routes/tokens';
import { trendRoutes } from './routes/trend';
import { userRoutes } from './routes/users';
import { LoginThrottle } from './auth/throttle';
import type { ScanThread } from './queries/scans';
import { LIVE_RETRY_AFTER_S } from './live/hub';
import { isApiPath, securityHeaders } from './security-headers';

export interface AppDeps {
  db: Db;
  config: Config;
  commits: GroupCommit;
  now: () => number;
  /** True while shutting down: new requests are refused with 503. */
  draining?: () => boolean;
  /** Why a live connection would be refused now (LIVE_MAX_CLIENTS all in use), else null: see the plain GET /api/live. */
  liveFull?: () => string | null;
  /** Where KPI, agent and trend queries only a scan of facts answers run, off this thread (queries/scans.ts); else here. */
  scans?: Pick<ScanThread, 'kpis' | 'agents' | 'trend'>;
  /** Whether the database or its -wal or -shm was deleted under the server (db/side-files.ts): looked for now (saying how the save of what it holds stands), or as last found. */
  sideFilesGone?: () => SideFileGone | null;
  sideFilesFound?: () => SideFileGone | null;
  /** Once the save under way is done (deleted-database.ts): whether every batch committed is where the next start reads it. */
  sideFilesSaved?: () => Promise<boolean>;
  /** Called once an admin's change of KPI targets is committed: the live hub sends them to every wall. */
  targetsChanged?: () => void;
  /** Called once an admin's change of a team's names is committed: the live hub sends them to every open page. */
  teamNamesChanged?: () => void;
  /** Directory of the built dashboard, served with an SPA fallback. */
  staticDir?: string;
}

/** A path ending in a file's name, as a browser asks for a script, a style, an image, a font or a text file. */
const ASSET = /\.(m?js|css|map|json|html?|txt|xml|ico|png|jpe?g|gif|svg|webp|avif|woff2?|ttf|webmanifest)$/i;

export function createApp(deps: AppDeps) {
  // Not strict: /api/kpis/ is /api/kpis, as a person typing an address or a client joining paths expects.
  const app = new Hono({ strict: false });
  app.use('*', securityHeaders());
  app.use('*', async (c, next) => {
    if (deps.draining?.()) {
      c.header('Connection', 'close');
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.json({ error: 'unavailable', message: 'The server is stopping (to restart, or for good); nothing of this request was stored: send it again once the server is back.' }, 503);
    }
    await next();
  });
  app.route('/api/events', eventsRoutes(deps));
  // 503 while ingest fails (a full disk, a writer that cannot start), so a monitor sees what senders see.
  app.get('/api/health', requireRole(deps.db, ['ingest', 'display'], deps.now), (c) => {
    const failing = deps.commits.failing ?? deps.sideFilesGone?.();
    if (!failing) return c.json({ ok: true, ingest: deps.commits.stats });
    const body = { ok: false, ingest: deps.commits.stats, failing: { since: new Date(failing.since).toISOString(), message: failing.message } };
    return c.json(body, 503);
  });
  // One for sign-ins and password changes alike: a wrong current password is a guess as a wrong sign-in is.
  const throttle = new LoginThrottle();
  app.route('/api/auth', authRoutes(deps, throttle));
  app.route('/api', kpiRoutes(deps));
  app.route('/api', drillRoutes(deps));
  app.route('/api', trendRoutes(deps));
  app.route('/api', seenRoutes(deps));
  app.route('/api/targets', targetRoutes(deps));
  app.route('/api/sla-policies', slaPolicyRoutes(deps));
  app.route('/api/team-names', teamNameRoutes(deps));
  app.route('/api/users', userRoutes(deps, throttle));
  app.route('/api/tokens', tokenRoutes(deps));
  app.route('/api/admin/changes', adminChangeRoutes(deps));
  // The WebSocket is served on the upgrade (listen.ts); a plain GET is told so, once its caller may see it, or
  // why an upgrade would be refused now: the wall asks it when its handshakes fail, which it cannot tell apart.
  app.get('/api/live', (c) => {
    const tokens = twoTokens(honoAccessors(c));
    if (tokens) return c.json({ error: 'bad_request', message: tokens }, 400);
    const who = authorize(deps.db, honoAccessors(c), ['display'], deps.now(), true);
    if (isDenial(who)) return c.json(who.body, who.status, who.headers);
    const full = deps.liveFull?.();
    if (full) {
      c.header('Retry-After', String(LIVE_RETRY_AFTER_S));
      return c.json({ error: 'unavailable', message: full }, 503);
    }
    // A 426 names the protocol to upgrade to (RFC 9110, 15.5.22). A handshake that arrives as a plain GET lost one
    // of its two headers on the way, or both: a proxy that passes Upgrade on but not Connection (nginx without
    // proxy_set_header Connection "upgrade") was told to send the Upgrade: websocket it had sent.
    c.header('Upgrade', 'websocket');
    const upgrade = /\bwebsocket\b/i.test(c.req.header('upgrade') ?? '');
    const connection = /\bupgrade\b/i.test(c.req.header('connection') ?? '');
    const lost = upgrade
      ? 'came with Upgrade: websocket but without Connection: Upgrade'
      : connection
        ? 'came with Connection: Upgrade but without Upgrade: websocket'
        : 'came without Upgrade: websocket and Connection: Upgrade';
    const message = `GET /api/live is a WebSocket, and this request ${lost}: connect as one, through a proxy that passes both headers on (nginx: proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";).`;
    return c.json({ error: 'upgrade_required', message }, 426);
  });
  // Each endpoint's methods, read off the routes above (HEAD goes with GET): a request with another method
  // gets 405 and Allow, not 404.
  const methods = new Map<string, string[]>();
  for (const r of app.routes)
    if (r.method !== 'ALL') {
      const list = methods.get(r.path) ?? methods.set(r.path, []).get(r.path)!;
      for (const m of r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]) if (!list.includes(m)) list.push(m);
    }
  // An endpoint with a part in its path (/api/users/:username) is matched by any value there: PUT /api/users/mei
  // was told "No endpoint", as if users could not be changed at all.
  const patterns = [...methods].filter(([path]) => path.includes('/:')).map(([path, list]) => ({ list, re: new RegExp(`^${path.replace(/\/:[^/]+/g, '/[^/]+')}$`) }));
  /** The methods the endpoint at `path` takes; undefined for no endpoint. */
  const methodsOf = (path: string) => methods.get(path) ?? patterns.find((p) => p.re.test(path))?.list;
  /**
   * The API's 404, naming the endpoint meant when the path is one written in capitals or with a doubled slash: /API/kpis,
   * or //api/events from a sender whose base address ends in a slash. Each was served the dashboard's page (200, HTML,
   * and a POST 405 "GET it"), which a script read as an answer and a person as the start page.
   */
  const noEndpoint = (c: Context) => {
    const path = new URL(c.req.url).pathname;
    const meant = path.toLowerCase().replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
    const rules = [path !== path.toLowerCase() && 'lower case', path.includes('//') && 'written with one slash between their parts'].filter(Boolean);
    const hint = methodsOf(meant) ? `: the API's paths are ${rules.join(', ') || 'lower case'}, as in ${meant}` : '';
    return c.json({ error: 'not_found', message: `No endpoint ${c.req.method} ${path}${hint}.` }, 404);
  };
  app.all('/api/*', (c) => {
    const allowed = methodsOf(c.req.path);
    if (!allowed) return noEndpoint(c);
    c.header('Allow', allowed.join(', '));
    return c.json({ error: 'method_not_allowed', message: `${c.req.path} takes ${allowed.join(' or ')}, not ${c.req.method}.` }, 405);
  });
  app.use('*', async (c, next) => (isApiPath(c.req.path) ? noEndpoint(c) : next()));

  const dir = deps.staticDir;
  if (dir && existsSync(join(dir, 'index.html'))) {
    // The dashboard's files are read, never written: any other method (a cache's PURGE, a WebDAV client's PROPFIND
    // too, which a list of methods missed) is a 405, not the page as if it had worked.
    app.use('*', async (c, next) => {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
      c.header('Allow', 'GET, HEAD');
      return c.json({ error: 'method_not_allowed', message: `${c.req.path} is a page of the dashboard: GET it, not ${c.req.method}.` }, 405);
    });
    // A chunk's name carries a hash of its content: a browser keeps it for good. Anything else (index.html above
    // all, which names this build's chunks, deleted by the next) it asks for afresh each time.
    app.use('*', async (c, next) => {
      await next();
      const chunk = c.res.ok && c.req.path.startsWith('/_app/immutable/');
      c.res.headers.set('Cache-Control', chunk ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    app.use('*', serveStatic({ root: dir }));
    // A file of the build that is not there (an earlier build's chunk, asked for by a page opened before an
    // upgrade) is a 404: the page in its place is no script. Slashes doubled before _app (a base address ending in
    // one) too, which the route '/_app/*' did not match; and a file's name anywhere (/favicon.ico, /robots.txt),
    // which no page of the dashboard has.
    app.get('*', (c, next) =>
      /^\/+_app\//.test(c.req.path) || ASSET.test(c.req.path) ? c.json({ error: 'not_found', message: `No file ${c.req.path} in this build of the dashboard.` }, 404) : next()
    );
    app.get('*', serveStatic({ root: dir, path: 'index.html' }));
  } else {
    // No dashboard built (its build failed at start, which the log says): a page asked for says so, where a wall TV
    // showed "404 Not Found" and nobody could tell why.
    app.get('*', (c) => c.text("The dashboard is not built on this server: the server's log says why, at its start, and what to do. The API answers at /api.", 503));
  }

  app.onError((err, c) => honoAnswer(c, failureAnswer(err, `${c.req.method} ${c.req.path}`)));
  return app;
}
