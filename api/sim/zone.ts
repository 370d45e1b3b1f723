const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function defaultTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Local wall-clock arithmetic for one IANA zone. Intl is slow, so the UTC offset is cached per UTC hour:
 * real zones change offset only on whole UTC hours, which keeps the cache exact and a history run fast.
 */
export class Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly name: string = defaultTimezone()) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    });
  }

  /** Milliseconds to add to a UTC instant to get local wall-clock time. */
  offset(t: number): number {
    const hour = Math.floor(t / HOUR);
    let off = this.offsets.get(hour);
    if (off === undefined) {
      if (this.offsets.size > 100_000) this.offsets.clear();
      off = this.compute(hour * HOUR);
      this.offsets.set(hour, off);
    }
    return off;
  }

  /** Hour of the local day as a fraction, 0 ≤ h < 24. */
  hourOfDay(t: number): number {
    return mod(t + this.offset(t), DAY) / HOUR;
  }

  /** 0 = Sunday … 6 = Saturday, local. */
  dayOfWeek(t: number): number {
    // 1970-01-01 was a Thursday.
    return mod(Math.floor((t + this.offset(t)) / DAY) + 4, 7);
  }

  /** The instant of the local midnight that starts the day containing t. */
  startOfDay(t: number): number {
    const local = t + this.offset(t);
    return this.toInstant(local - mod(local, DAY));
  }

  /** The local midnight after the one starting `dayStart` (days are 23 or 25 hours around DST changes). */
  nextDay(dayStart: number): number {
    return this.startOfDay(dayStart + 30 * HOUR);
  }

  /** The instant `hours` of local wall-clock time after the midnight `dayStart`. */
  atHour(dayStart: number, hours: number): number {
    return this.toInstant(dayStart + this.offset(dayStart) + hours * HOUR);
  }

  /** yymmdd of the local date, for run tags in ids. */
  dateTag(t: number): string {
    return new Date(t + this.offset(t)).toISOString().slice(2, 10).replaceAll('-', '');
  }

  private toInstant(local: number): number {
    const guess = local - this.offset(local);
    return local - this.offset(guess);
  }

  private compute(t: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
