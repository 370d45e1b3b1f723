// What the checkpointer thread (checkpointer-thread.mjs) makes of each PASSIVE checkpoint's result: whether a long
// reader kept the WAL from being reset, so the writer should leave its own checkpoints off while the thread copies
// the WAL back, and when the writer may take them up again. Pure, so its rounds can be played out in a test.

/** WAL pages past which the writer's checkpoints (every 16,000 pages, db/open.ts) were kept from resetting it. */
export const HELD_PAGES = 32_000;
/** A round that copied no more than this (16 MB) leaves the writer's next checkpoint as little as it usually finds. */
export const CAUGHT_UP_PAGES = 4_000;

/**
 * @typedef {object} CatchUp
 * @property {boolean} catchingUp whether the writer has been told to leave its checkpoints to the thread
 * @property {number} copiedBefore frames of the WAL copied back as of the last round (numbered from 1 again at each reset)
 */

/** @returns {CatchUp} */
export const catchUpStart = () => ({ catchingUp: false, copiedBefore: 0 });

/**
 * The state after a round whose PASSIVE checkpoint reported `result` (SQLite's busy, log and checkpointed), whether
 * the writer's checkpoints should now be off or on (null: no change), and whether the next round should follow at once.
 * @param {CatchUp} state
 * @param {{ busy: number, log: number, checkpointed: number }} result
 * @returns {{ state: CatchUp, ownCheckpointsOff: boolean | null, again: boolean }}
 */
export function afterRound(state, { busy, log, checkpointed }) {
  // The writer's own checkpoint held the lock: nothing learnt.
  if (busy || log < 0) return { state, ownCheckpointsOff: null, again: false };
  const copied = checkpointed >= state.copiedBefore ? checkpointed - state.copiedBefore : checkpointed;
  const held = log > HELD_PAGES && !(checkpointed === log && copied <= CAUGHT_UP_PAGES);
  return {
    state: { catchingUp: held, copiedBefore: checkpointed },
    ownCheckpointsOff: held === state.catchingUp ? null : held,
    // All the reader let go of is copied: what the writer appended meanwhile is copied at once, not in 1.5 s.
    again: held && checkpointed === log
  };
}
