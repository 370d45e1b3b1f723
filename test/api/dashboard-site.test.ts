// How the API serves the built dashboard: what a browser may keep, and what it must ask for again.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { testApp } from '../helpers/app';

let t: ReturnType<typeof testApp>;
afterEach(() => t.close());

function siteApp() {
  t = testApp();
  const site = mkdtempSync(join(tmpdir(), 'floorboard-site-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><script type="module" src="/_app/immutable/entry/start.B1.js"></script>');
  mkdirSync(join(site, '_app', 'immutable', 'entry'), { recursive: true });
  writeFileSync(join(site, '_app', 'immutable', 'entry', 'start.B1.js'), 'export {};');
  writeFileSync(join(site, '_app', 'version.json'), '{"version":"1"}');
  return createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }), commits: t.rt.commits, now: Date.now, staticDir: site });
}

describe('the dashboard\'s files', () => {
  it('has a browser ask for the page again every time, since an upgrade deletes the chunks an old copy names', async () => {
    const app = siteApp();
    for (const path of ['/', '/wall?lang=zh-CN', '/index.html', '/_app/version.json']) {
      const res = await app.request(path);
      expect([path, res.status, res.headers.get('cache-control')]).toEqual([path, 200, 'no-cache']);
    }
  });

  it('lets a browser keep a chunk, whose name changes with its content, and answers 404 for one that is gone', async () => {
    const app = siteApp();
    const chunk = await app.request('/_app/immutable/entry/start.B1.js');
    expect([chunk.status, chunk.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    // The chunk of an earlier build, asked for by a page opened before an upgrade: not the page in its place.
    const gone = await app.request('/_app/immutable/entry/start.A0.js');
    expect([gone.status, gone.headers.get('content-type')]).toEqual([404, 'application/json']);
  });

  // A page whose base address ends in a slash asks for //_app/…: it was sent the dashboard's page with 200, which
  // a browser tries to run as a script ("Unexpected token '<'") where it should have been told the file is not there.
  it('answers 404 for a missing file of the build however many slashes come before _app, never the page', async () => {
    const app = siteApp();
    for (const path of ['/_app/missing.js', '//_app/x.js', '///_app/immutable/entry/start.A0.js', '//_app/immutable/entry/start.B1.js']) {
      const res = await app.request(path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, 'application/json']);
    }
  });

  // /favicon.ico (asked for by browsers and by pages that name it), /robots.txt, a script or style a proxy's page names
  // at the root: each missing one was the dashboard's page with 200, read as an icon, a script, a style.
  it('answers 404 for a missing file at the root (a name with a file\'s extension), and the page for the dashboard\'s own paths', async () => {
    const app = siteApp();
    for (const path of ['/favicon.ico', '/robots.txt', '/x.js', '/styles/site.css', '//x.mjs']) {
      const res = await app.request(path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, 'application/json']);
    }
    for (const path of ['/', '/wall', '/wall?lang=zh-CN', '/index.html']) expect([path, (await app.request(path)).status]).toEqual([path, 200]);
  });

  it('tells a browser not to sniff, frame on another site or pass the wall\'s ?token= address on, and to keep no API answer', async () => {
    const app = siteApp();
    const page = await app.request(`/wall?token=${t.tokens.display}`);
    const chunk = await app.request('/_app/immutable/entry/start.B1.js');
    const kpis = await app.request('/api/kpis', { headers: { authorization: `Bearer ${t.tokens.supervisor}` } });
    const refused = await app.request('/api/kpis');
    const posted = await app.request('/api/events', { method: 'POST', headers: { authorization: `Bearer ${t.tokens.ingest}` }, body: '[]' });
    for (const [what, res] of Object.entries({ page, chunk, kpis, refused, posted })) {
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('strict-origin');
      expect(res.headers.get('content-security-policy'), what).toMatch(/frame-ancestors 'self'/);
    }
    for (const [what, res] of Object.entries({ kpis, refused, posted })) expect(res.headers.get('cache-control'), what).toBe('no-store');
    expect([page.headers.get('cache-control'), chunk.headers.get('cache-control')]).toEqual(['no-cache', 'public, max-age=31536000, immutable']);
  });

  // The API's paths are lower case. /API/kpis (a caps-lock, a client that upper-cases paths) was served the
  // dashboard's page with 200: a script read HTML where it expected JSON, and a person saw the start page.
  it('answers any path under /api, whatever its case, with the API\'s JSON 404, never the dashboard\'s page', async () => {
    const app = siteApp();
    for (const path of ['/API/kpis', '/Api/agents/', '/aPi/nope', '/API', '/API/', '/api', '/api/', '/api/nope', '/api/nope/', '/API/live', '/api%2Fkpis', '/API%2fagents']) {
      for (const method of ['GET', 'POST']) {
        const res = await app.request(path, { method, headers: { authorization: `Bearer ${t.tokens.admin}` } });
        const body = (await res.json()) as { error?: string; message?: string };
        expect([path, method, res.status, res.headers.get('cache-control'), body.error], `${method} ${path}`).toEqual([path, method, 404, 'no-store', 'not_found']);
      }
    }
    const upper = (await (await app.request('/API/kpis')).json()) as { message: string };
    expect(upper.message).toBe('No endpoint GET /API/kpis: the API\'s paths are lower case, as in /api/kpis.');
    // The endpoints themselves, with or without a trailing slash, are as before.
    for (const path of ['/api/kpis', '/api/kpis/']) expect((await app.request(path, { headers: { authorization: `Bearer ${t.tokens.admin}` } })).status).toBe(200);
  });

  // A sender whose base address ends in a slash (`http://floor:3000/` + `/api/events`) asks for //api/events: its
  // batch was told 405, "a page of the dashboard: GET it", and a script's GET //api/kpis read the start page's HTML.
  it('answers an API path written with a doubled slash with the API\'s 404, naming the path meant', async () => {
    const app = siteApp();
    const cases: [string, string, string][] = [
      ['POST', '//api/events', '/api/events'],
      ['GET', '//api/kpis', '/api/kpis'],
      ['GET', '///api/kpis?team=risk', '/api/kpis'],
      ['GET', '/api//agents', '/api/agents'],
      ['GET', '/api/kpis//', '/api/kpis'],
      ['GET', '//API/health', '/api/health']
    ];
    for (const [method, path, meant] of cases) {
      const res = await app.request(path, { method, headers: { authorization: `Bearer ${t.tokens.admin}` }, body: method === 'POST' ? '[]' : undefined });
      const body = (await res.json()) as { error?: string; message?: string };
      expect([method, path, res.status, res.headers.get('cache-control'), body.error], `${method} ${path}`).toEqual([method, path, 404, 'no-store', 'not_found']);
      expect(body.message, `${method} ${path}`).toMatch(new RegExp(`^No endpoint ${method} ${path.split('?')[0]}: .* as in ${meant}\\.$`));
    }
  });

  // A cache's PURGE, a WebDAV client's PROPFIND, the new QUERY: the page was served 200 as if it had done what was
  // asked, or a bare "404 Not Found" for a page the browser would have been served.
  it('answers any method but GET and HEAD on a page or file of the dashboard with 405 and Allow', async () => {
    const app = siteApp();
    for (const path of ['/', '/wall', '/index.html', '/_app/version.json'])
      for (const method of ['POST', 'DELETE', 'PURGE', 'PROPFIND', 'SEARCH', 'QUERY', 'LINK']) {
        const res = await app.request(path, { method });
        expect([method, path, res.status, res.headers.get('allow'), res.headers.get('content-type')]).toEqual([method, path, 405, 'GET, HEAD', 'application/json']);
      }
  });

  // A start whose dashboard build failed, with no earlier build, serves the API alone.
  it('says, with no dashboard built, that it is not built, where a wall TV showed "404 Not Found"', async () => {
    t = testApp();
    for (const path of ['/', '/wall?token=x&page=agents']) {
      const res = await t.app.request(path);
      expect([path, res.status, await res.text()]).toEqual([path, 503, "The dashboard is not built on this server: the server's log says why, at its start, and what to do. The API answers at /api."]);
    }
    expect((await t.app.request('/api/nope')).status).toBe(404);
    expect((await t.app.request('/wall', { method: 'POST' })).status).toBe(404);
  });
});
