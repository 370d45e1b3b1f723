// Worker threads do not inherit the `--import tsx` loader: register it, then load the TypeScript body.
import { register } from 'tsx/esm/api';
register();
await import(new URL('./scan-thread.ts', import.meta.url).href);
