import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// Empty (an env file's `PORT=`) is no setting, as npm start reads it: the proxy aimed at port 80.
const api = `http://127.0.0.1:${process.env.PORT || 3000}`;

export default defineConfig({
  plugins: [sveltekit()],
  // `npm run dev` serves the dashboard with HMR and forwards API and WebSocket calls to `npm start`.
  server: { proxy: { '/api': { target: api, ws: true } } },
  // ECharts is most of the wall's bundle; one chunk of ~200 kB gzipped is fine for a screen that loads once.
  // Rolldown's note that SvelteKit's plugins take most of the build's time is no news to someone running
  // `npm start` for the first time, and nothing they could act on.
  build: { chunkSizeWarningLimit: 800, rolldownOptions: { checks: { bundlerTimings: false } } }
});
