import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * Where the site is written: `build/`, unless api/web-build.ts gives the build a directory of its own, which
 * it then moves into place whole, so that a build cut short never leaves half a site to be served.
 */
const site = process.env.FLOORBOARD_BUILD_DIR ?? 'build';

/** The dashboard is a static SPA; the API process serves `build/` and falls back to index.html. */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: site, assets: site, fallback: 'index.html', strict: false }),
    // Written into the page as a <meta> with the hash of the one inline script SvelteKit starts the app with, so a
    // script injected into the page does not run. Svelte's templates carry style attributes, hence 'unsafe-inline'
    // for styles; ws: and wss: for the live feed, which CSP's 'self' does not name in every browser a TV may have.
    // The server's own header (api/security-headers.ts) adds what a <meta> cannot: frame-ancestors.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self', 'ws:', 'wss:'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self']
      }
    },
    files: {
      src: 'web',
      routes: 'web/routes',
      lib: 'web/lib',
      appTemplate: 'web/app.html',
      assets: 'web/static',
      hooks: { client: 'web/hooks.client', server: 'web/hooks.server', universal: 'web/hooks' },
      params: 'web/params',
      serviceWorker: 'web/service-worker'
    }
  }
};
