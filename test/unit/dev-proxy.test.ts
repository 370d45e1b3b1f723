// `npm run dev` forwards /api (and the live WebSocket) to `npm start`, on the port npm start listens on: PORT, or
// 3000 when it is unset or empty (an env file's `PORT=`), as api/config.ts reads it.
import { afterEach, describe, expect, it, vi } from 'vitest';

async function proxyTarget(port: string | undefined): Promise<unknown> {
  vi.resetModules();
  vi.stubEnv('PORT', port);
  const { default: config } = (await import('../../vite.config')) as { default: { server?: { proxy?: Record<string, { target?: string }> } } };
  return config.server?.proxy?.['/api']?.target;
}

afterEach(() => vi.unstubAllEnvs());

describe('npm run dev', () => {
  it('proxies /api to npm start on PORT', async () => {
    expect(await proxyTarget('48031')).toBe('http://127.0.0.1:48031');
  });

  it('proxies /api to port 3000 when PORT is unset or empty, as npm start listens there', async () => {
    expect(await proxyTarget(undefined)).toBe('http://127.0.0.1:3000');
    expect(await proxyTarget('')).toBe('http://127.0.0.1:3000');
  });
});
