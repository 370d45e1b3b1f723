import type { EventType } from '../events/schema';
import { MinHeap } from './queue';
import type { Rng } from './random';

/** An event as a webhook sends it: plain JSON, `at` (and a callback's `due`) as ISO-8601 Z or epoch ms. */
export type RawEvent = { id: string; type: EventType; at: string | number } & Record<string, unknown>;

/** Which system sends the webhook decides its timestamp style: the phone system speaks epoch ms, the rest ISO. */
export type Source = 'helpdesk' | 'phone';

interface Item {
  t: number;
  seq: number;
  run: (() => void) | null;
  event: RawEvent | null;
}

const LATE_SHARE = 0.02;
const DUPLICATE_SHARE = 0.01;

/**
 * The discrete-event loop. Actions and not-yet-delivered events share one heap keyed by time. An action at
 * time t emits events stamped t; on-time ones go straight to the output, which stays in delivery order because
 * everything left in the heap is at t or later. Late and duplicate copies wait in the heap for their delivery.
 */
export class Core {
  now = 0;
  private readonly heap = new MinHeap<Item>();
  private seq = 0;
  private eventCount = 0;
  private out: RawEvent[] = [];

  constructor(
    readonly rng: Rng,
    /** Actions before this replay silently, so agents already on shift are in the right state at the start. */
    readonly start: number,
    private readonly tag: string
  ) {}

  at(t: number, run: () => void): void {
    this.heap.push({ t: Math.max(Math.round(t), this.now), seq: this.seq++, run, event: null });
  }

  after(ms: number, run: () => void): void {
    this.at(this.now + ms, run);
  }

  emit(type: EventType, fields: Record<string, unknown>, source: Source = 'helpdesk'): void {
    if (this.now < this.start) return;
    const event = this.event(type, source === 'phone' ? this.now : this.iso(this.now), fields);
    const rng = this.rng;
    let delivered = this.now;
    if (rng.next() < LATE_SHARE) {
      delivered += Math.round(rng.between(5_000, 120_000));
      this.deliverAt(delivered, event);
    } else {
      this.out.push(event);
    }
    // A retry after a lost acknowledgement: the very same event again, a little later.
    if (rng.next() < DUPLICATE_SHARE) this.deliverAt(delivered + Math.round(rng.between(1_000, 90_000)), { ...event });
  }

  /**
   * A state as it stood before the run began, stamped `at` (before `start`): sent once with the run's first events,
   * drawing nothing from the centre's randomness.
   */
  standing(type: EventType, fields: Record<string, unknown>, at: number): void {
    this.out.push(this.event(type, this.iso(at), fields));
  }

  private event(type: EventType, at: string | number, fields: Record<string, unknown>): RawEvent {
    // Zero-padded: ids of one millisecond then sort (SPEC.md: by at, then id) in the order they were made.
    return { id: `ev-${this.tag}${String(++this.eventCount).padStart(9, '0')}`, type, at, ...fields };
  }

  /** Runs everything due up to and including toMs; returns the events delivered in that span, in delivery order. */
  advance(toMs: number): RawEvent[] {
    const heap = this.heap;
    for (let item = heap.peek(); item !== undefined && item.t <= toMs; item = heap.peek()) {
      heap.pop();
      this.now = item.t;
      if (item.event) this.out.push(item.event);
      else item.run!();
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  get pending(): number {
    return this.heap.size;
  }

  private isoMinute = NaN;
  private isoPrefix = '';

  /** toISOString is a tenth of the cost of a history run; most events share their minute with the previous one. */
  private iso(t: number): string {
    const minute = Math.floor(t / 60_000);
    if (minute !== this.isoMinute) {
      this.isoMinute = minute;
      this.isoPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    }
    const ms = t - minute * 60_000;
    return `${this.isoPrefix}${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z`;
  }

  private deliverAt(t: number, event: RawEvent): void {
    this.heap.push({ t, seq: this.seq++, run: null, event });
  }
}
