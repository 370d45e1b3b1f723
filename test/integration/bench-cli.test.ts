// `npm run bench -- --only ingest|queries|live`: a section it does not have is refused, not a run that measures nothing.
import { describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/server';

describe('npm run bench', () => {
  for (const only of ['ingset', 'Ingest', 'ingest,live'])
    it(`refuses --only ${JSON.stringify(only)} with exit code 2, naming the sections it has`, async () => {
      const r = await runEntry('test/bench/run.ts', ['--only', only]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toContain('--only must be one of ingest, queries, live');
    }, 60_000);
});
