// Starts and stops the checkpointer thread (see checkpointer-thread.ts).
import { once } from 'node:events';
import { startThread } from './start';

export function startCheckpointer(dbPath: string): { close(): Promise<void> } {
  const worker = startThread(new URL('./checkpointer-thread.ts', import.meta.url), { dbPath });
  worker.on('error', (err) => console.error('checkpointer thread failed (the WAL will grow until restart):', err));
  return {
    async close() {
      if (worker.threadId < 0) return;
      worker.postMessage({ close: true });
      await Promise.race([once(worker, 'message'), once(worker, 'exit')]);
      await worker.terminate();
    }
  };
}
