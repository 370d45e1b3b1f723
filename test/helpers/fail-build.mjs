// Preloaded into a start (NODE_OPTIONS=--import <this file>), whose `vite build` inherits it: the build fails at
// once, as one whose code does not compile, saying so.
if (process.argv[1]?.endsWith('vite.js')) {
  console.error('error during build: (a build failure made by the test)');
  process.exit(1);
}
