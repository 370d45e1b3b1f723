// A minimal keep-alive HTTP client for the benchmarks (node:http, so client overhead stays small).
import http from 'node:http';
import { TEST_INGEST_TOKEN } from '../helpers/server';

export function httpClient(url: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const once = (method: string, path: string, body?: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        `${url}${path}`,
        { method, agent, headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        }
      );
      req.on('error', reject);
      req.end(body);
    });
  // A kept-alive socket the server closed just as it was reused fails with ECONNRESET: send again, as a
  // webhook sender would (event ids make the retry harmless). The time of the retry stays in the figure.
  const request = (method: string, path: string, body?: string) =>
    once(method, path, body).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return once(method, path, body);
      throw e;
    });
  return {
    request,
    post: (body: string) => request('POST', '/api/events', body),
    close: () => agent.destroy()
  };
}
