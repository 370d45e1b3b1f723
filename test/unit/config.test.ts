// What an operator reads when a setting is wrong: the variable, what is wrong in plain words, and what it was
// set to, all at once.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../api/config';

// The centre's zone is set unless a test names one: on a machine whose TZ names no zone (TZ=UTC0, as containers
// set it) an unset KPI_TIMEZONE is a problem of its own, listed beside the one a test is about.
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ KPI_TIMEZONE: 'UTC', ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the configuration to be refused');
};

describe('loadConfig', () => {
  it('words each bad setting plainly and says what it is set to', () => {
    for (const port of ['abc', '3.5', '-1', ' ', '0x9A60'])
      expect(problems({ PORT: port })).toEqual([`PORT: expected a whole number from 0 to 65535 (it is ${JSON.stringify(port)})`]);
    expect(problems({ PORT: '70000', LIVE_MAX_CLIENTS: '0' })).toEqual(['PORT: must be at most 65535 (it is "70000")', 'LIVE_MAX_CLIENTS: must be at least 1 (it is "0")']);
    expect(problems({ KPI_TIMEZONE: 'Mars/Base' })).toEqual(['KPI_TIMEZONE: must be an IANA timezone such as Asia/Shanghai (it is "Mars/Base")']);
    // As DATABASE_PATH's: "must be an IANA timezone such as Asia/Shanghai (it is "Asia/Shanghai\r")" read as a contradiction.
    for (const tz of ['Asia/Shanghai\r', ' Asia/Shanghai'])
      expect(problems({ KPI_TIMEZONE: tz })).toEqual([`KPI_TIMEZONE: has a line break or spaces around it (an env file written with CRLF?); remove them (it is ${JSON.stringify(tz)})`]);
  });

  it('refuses a timezone abbreviation, which names other zones than the one meant (CST is read as Chicago), and takes IANA names, UTC and GMT', () => {
    expect(problems({ KPI_TIMEZONE: 'CST' })).toEqual([
      `KPI_TIMEZONE: is an abbreviation, which this machine reads as America/Chicago, and abbreviations name different zones in different places (CST is China's and America's); write the IANA name of the centre's zone, such as Asia/Shanghai or America/New_York (it is "CST")`
    ]);
    for (const tz of ['EST', 'bst', 'Cst', 'IST', 'PRC']) expect(problems({ KPI_TIMEZONE: tz }), tz).toEqual([expect.stringContaining(`is an abbreviation`)]);
    for (const tz of ['UTC', 'utc', 'GMT', 'Asia/Shanghai', 'America/New_York', 'Etc/GMT-8', 'Japan', 'EST5EDT']) expect(loadConfig({ KPI_TIMEZONE: tz }).KPI_TIMEZONE, tz).toBe(tz);
  });

  it('refuses an ingest token with a space or line break in it, which no request could send, and never repeats it', () => {
    for (const token of ['token-from-env-file\r', ' leading-space-token', 'two words token'])
      expect(problems({ INGEST_TOKEN: token })).toEqual([expect.stringMatching(/^INGEST_TOKEN: has a space or a line break in it .*; remove it$/)]);
    expect(loadConfig({ INGEST_TOKEN: 'plain-token-1234', KPI_TIMEZONE: 'UTC' }).INGEST_TOKEN).toBe('plain-token-1234');
  });

  it('refuses an ingest token no HTTP client can put in a header (an accent, a control character), and never repeats it', () => {
    for (const token of ['tökenñ€longenough', 'abc\x01defghijklmn'])
      expect(problems({ INGEST_TOKEN: token })).toEqual([expect.stringMatching(/^INGEST_TOKEN: has a character outside printable ASCII .*punctuation$/)]);
  });

  it('refuses an admin password with a line break or spaces around it, which nobody could type at the login form', () => {
    for (const password of ['goodpassword123\r', 'goodpassword123 ', ' goodpassword123'])
      expect(problems({ ADMIN_PASSWORD: password })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD: has a line break or spaces around it .*remove them$/)]);
    expect(loadConfig({ ADMIN_PASSWORD: 'correct horse battery', KPI_TIMEZONE: 'UTC' }).ADMIN_PASSWORD).toBe('correct horse battery');
  });

  it('refuses an admin password longer than the login form takes (1,024 characters), with which nobody could sign in, and never repeats it', () => {
    const long = 'p'.repeat(1025);
    expect(problems({ ADMIN_PASSWORD: long })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD: is longer than the 1024 characters a sign-in takes/)]);
    expect(problems({ ADMIN_PASSWORD: long })[0]).not.toContain(long);
    expect(loadConfig({ ADMIN_PASSWORD: 'p'.repeat(1024), KPI_TIMEZONE: 'UTC' }).ADMIN_PASSWORD).toHaveLength(1024);
  });

  it('refuses a DATABASE_PATH with a line break or spaces around it, which would start on a new, empty database beside the real one', () => {
    for (const path of ['./data/kpi.sqlite\r', './data/kpi.sqlite ', ' /srv/floorboard/kpi.sqlite'])
      expect(problems({ DATABASE_PATH: path })).toEqual([`DATABASE_PATH: has a line break or spaces around it (an env file written with CRLF?), which would name another, new database; remove them (it is ${JSON.stringify(path)})`]);
    expect(loadConfig({ DATABASE_PATH: '/srv/my data/kpi.sqlite', KPI_TIMEZONE: 'UTC' }).DATABASE_PATH).toBe('/srv/my data/kpi.sqlite');
  });

  it('refuses to start unset when the machine\'s timezone has no IANA name (TZ=UTC0, TZ=:/etc/localtime, TZ= empty): it said "timezone undefined" and counted from UTC', () => {
    // TZ set empty (an env file's `TZ=`): ICU names the zone Etc/Unknown, and the start blamed a KPI_TIMEZONE nobody set.
    for (const tz of ['UTC0', ':/etc/localtime', 'Nowhere/Land', '']) {
      const script = `import('./api/config.ts').then((m) => { try { console.log(m.loadConfig({}).KPI_TIMEZONE); } catch (e) { console.log(e.message); } })`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(import.meta.dirname, '..', '..'), env: { ...process.env, TZ: tz }, encoding: 'utf8' });
      expect(r.stdout.trim(), tz).toBe(
        `Invalid configuration:\n  KPI_TIMEZONE: is not set, and this machine's timezone has no IANA name to default to (TZ is ${JSON.stringify(tz)}); set KPI_TIMEZONE to the centre's zone, such as Asia/Shanghai`
      );
    }
  }, 30_000);

  it('reads LIVE_MAX_CLIENTS as digits only, as PORT: 0x10 is not 16, nor 1e3 a thousand', () => {
    for (const n of ['0x10', '1e3', '1.5', ' 5'])
      expect(problems({ LIVE_MAX_CLIENTS: n })).toEqual([`LIVE_MAX_CLIENTS: expected a whole number of at least 1 (it is ${JSON.stringify(n)})`]);
    expect(loadConfig({ LIVE_MAX_CLIENTS: '16', KPI_TIMEZONE: 'UTC' }).LIVE_MAX_CLIENTS).toBe(16);
    // Past JavaScript's whole numbers: said plainly, not as zod's "Too big: expected int to be <=…".
    expect(problems({ LIVE_MAX_CLIENTS: '99999999999999999999' })).toEqual(['LIVE_MAX_CLIENTS: must be at most 9007199254740991 (it is "99999999999999999999")']);
  });

  it('warns that a database in memory keeps nothing past the process', () => {
    expect(configWarnings(loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }))).toEqual([expect.stringMatching(/^DATABASE_PATH is :memory:.*every event is lost when it stops/)]);
    expect(configWarnings(loadConfig({ DATABASE_PATH: './data/kpi.sqlite', KPI_TIMEZONE: 'UTC' }))).toEqual([]);
  });

  it('takes empty variables as unset, so the defaults apply', () => {
    expect(loadConfig({ PORT: '', KPI_TIMEZONE: 'Asia/Shanghai' })).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', DATABASE_PATH: './data/kpi.sqlite', LIVE_MAX_CLIENTS: 2000 });
  });
});
