// A static single-page app: the API process serves build/ and falls back to index.html for every route.
export const ssr = false;
export const prerender = false;
