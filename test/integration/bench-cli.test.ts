// `npm run bench`'s flags: a section it does not have, a flag it does not take, or a count that is not one is refused,
// not a run that measures nothing.
import { describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/server';

describe('npm run bench', () => {
  for (const only of ['ingset', 'Ingest', 'ingest,live'])
    it(`refuses --only ${JSON.stringify(only)} with exit code 2, naming the sections it has`, async () => {
      const r = await runEntry('test/bench/run.ts', ['--only', only]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toContain('--only must be one of ingest, queries, live');
    }, 60_000);

  it('refuses a flag it does not take with exit code 2 and its usage, no stack trace; --help shows the usage', async () => {
    const bogus = await runEntry('test/bench/run.ts', ['--only', 'ingest', '--bogus']);
    expect([bogus.code, bogus.err.split('\n')[0]]).toEqual([2, "Unknown option '--bogus'"]);
    expect(bogus.err).toContain('Usage: npm run bench');
    expect(bogus.err).not.toMatch(/\n\s+at /);
    const help = await runEntry('test/bench/run.ts', ['--help']);
    expect([help.code, help.out.split('\n')[0]]).toEqual([0, 'Usage: npm run bench [-- options]']);
  }, 60_000);

  // Each would measure nothing (no runs, or no events) and print NaN as every figure.
  for (const [flag, value] of [['--repeat', '0'], ['--repeat', 'three'], ['--events', 'abc'], ['--events', '-5']])
    it(`refuses ${flag} ${value} with exit code 2 before measuring`, async () => {
      const r = await runEntry('test/bench/run.ts', ['--only', 'ingest', ...(flag === '--events' ? [] : ['--events', '10']), `${flag}=${value}`]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toContain(`${flag} must be a whole number of at least 1, got "${value}"`);
      expect(r.out).not.toContain('NaN');
    }, 60_000);
});

describe('npm run bench:heap', () => {
  it('refuses a flag it does not take with exit code 2 and its usage, no stack trace; --help shows the usage', async () => {
    const bogus = await runEntry('test/bench/wall-heap.ts', ['--minuets', '30']);
    expect([bogus.code, bogus.err.split('\n')[0]]).toEqual([2, "Unknown option '--minuets'"]);
    expect(bogus.err).toContain('Usage: npm run bench:heap');
    expect(bogus.err).not.toMatch(/\n\s+at /);
    const help = await runEntry('test/bench/wall-heap.ts', ['--help']);
    expect([help.code, help.out.split('\n')[0]]).toEqual([0, 'Usage: npm run bench:heap [-- options]']);
  }, 60_000);

  // Chromium would run the whole warm-up for nothing (NaN minutes), or sample without pause.
  for (const [flag, value] of [['--minutes', 'abc'], ['--sample-seconds', '0'], ['--readings', '2.5']])
    it(`refuses ${flag} ${value} with exit code 2 before starting anything`, async () => {
      const r = await runEntry('test/bench/wall-heap.ts', [`${flag}=${value}`]);
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toMatch(new RegExp(`^${flag} must be a (whole )?number of at least \\d+, got "${value}"`));
    }, 60_000);
});
