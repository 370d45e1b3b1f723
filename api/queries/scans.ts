// Two non-team filters at once (channel=chat&priority=high) are answered by a scan of facts, not from rollups
// (windowTotals.ts): over 90 days at 1M tickets that reads millions of rows, ~3 s. On the main thread that was
// 3 s in which no request was answered, no batch acknowledged and no wall updated. Such queries run here, on a
// thread of their own, started at the first of them.
import { Worker } from 'node:worker_threads';
import type { KpiFilters, Kpis } from '../kpi/types';

export interface ScanRequest {
  id: number;
  window: { from: number; to: number };
  filters: KpiFilters;
  now: number;
}
export type ScanAnswer = { id: number; kpis: Kpis } | { id: number; message: string };

interface Waiting {
  resolve: (k: Kpis) => void;
  reject: (e: Error) => void;
}

export class ScanThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly path: string) {}

  /** getKpis on the thread; rejects if the thread failed or ended before answering. */
  kpis(window: { from: number; to: number }, filters: KpiFilters, now: number): Promise<Kpis> {
    if (this.closed) return Promise.reject(new Error('the scan thread is closed'));
    const worker = (this.worker ??= this.spawn());
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, window, filters, now } satisfies ScanRequest);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./scan-boot.mjs', import.meta.url), { workerData: { path: this.path } });
    worker.on('message', (a: ScanAnswer) => {
      const w = this.waiting.get(a.id);
      this.waiting.delete(a.id);
      if ('kpis' in a) w?.resolve(a.kpis);
      else w?.reject(new Error(a.message));
    });
    worker.on('error', (err) => console.error('KPI scan thread failed:', err));
    // What waited fails (the route answers it on the main thread); the next query starts a fresh thread.
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(new Error('the scan thread ended before answering'));
      this.waiting.clear();
    });
    return worker;
  }

  /** Ends the thread once the scan in progress, if any, is done. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    });
  }
}
