// Preloaded into a start (NODE_OPTIONS=--import <this file>), whose `vite build` inherits it: the build waits a
// minute before it begins, so a test's signal lands while it runs, never in the moment it ends (a CI run's did,
// and the start ended as any process does on SIGTERM once its build was done).
if (process.argv[1]?.endsWith('vite.js')) await new Promise((resolve) => setTimeout(resolve, 60_000));
