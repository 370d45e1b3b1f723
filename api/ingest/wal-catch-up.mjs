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
 * @property {number} logBefore frames in the WAL at the last round
 * @property {number} handedBackAt frames in the WAL when the writer took its checkpoints back, until the WAL is reset
 * @property {number} lastCopied frames the last whole round copied while catching up (Infinity before the first)
 */

/** @returns {CatchUp} */
export const catchUpStart = () => ({ catchingUp: false, copiedBefore: 0, logBefore: 0, handedBackAt: 0, lastCopied: Infinity });

/**
 * The state after a round whose PASSIVE checkpoint reported `result` (SQLite's busy, log and checkpointed), whether
 * the writer's checkpoints should now be off or on (null: no change), and whether the next round should follow at once.
 *
 * Once the reader let go, each round copies what the writer appended during the one before. The writer takes its
 * checkpoints back once a round copied little (CAUGHT_UP_PAGES), or copied more than half of what the round before
 * did: ingest that never pauses appends as much during a round as the next can copy, and waiting for a round that
 * copies little kept the writer's checkpoints off, and the WAL growing, for as long as it went on (413 MB when a CI
 * run's events ran out). Rounds that halve what is left shrink it to what the writer's next checkpoint copies in
 * the few it takes; the bulk the reader held is still copied here, never in a commit.
 * @param {CatchUp} state
 * @param {{ busy: number, log: number, checkpointed: number }} result
 * @returns {{ state: CatchUp, ownCheckpointsOff: boolean | null, again: boolean }}
 */
export function afterRound(state, { busy, log, checkpointed }) {
  // The writer's own checkpoint held the lock: nothing learnt.
  if (busy || log < 0) return { state, ownCheckpointsOff: null, again: false };
  const reset = log < state.logBefore || checkpointed < state.copiedBefore;
  const copied = reset ? checkpointed : checkpointed - state.copiedBefore;
  const whole = checkpointed === log;
  const seen = { copiedBefore: checkpointed, logBefore: log };
  if (!state.catchingUp) {
    // A reader in the way of a WAL past twice the writer's bound. Counted from where the writer took its checkpoints
    // back, until its next checkpoint resets the WAL: what the thread copied back is still in it meanwhile, and a
    // round that found a second's appends there took the checkpoints off again. A round that copied all there was
    // found no reader: one that let go between two rounds left the writer's checkpoints to copy the WAL back.
    const handedBackAt = reset ? 0 : state.handedBackAt;
    const held = log - handedBackAt > HELD_PAGES && !whole;
    return { state: { ...seen, catchingUp: held, handedBackAt: held ? 0 : handedBackAt, lastCopied: Infinity }, ownCheckpointsOff: held ? true : null, again: false };
  }
  // The long reader still holds it: nothing copied past its snapshot. Look again in 1.5 s. A round that copied
  // something but not all was cut short by one of the server's own reads (a live update, a report) on a snapshot a
  // few commits old: that is progress, and counts as such; waiting for a round that found no read at all kept the
  // writer's checkpoints off while dashboards read and ingest went on.
  if (!whole && copied === 0 && log > HELD_PAGES) return { state: { ...state, ...seen }, ownCheckpointsOff: null, again: false };
  // (Under HELD_PAGES, something else reset the WAL meanwhile: a sqlite3 shell's checkpoint.)
  const caughtUp = log <= HELD_PAGES || copied <= CAUGHT_UP_PAGES || copied > state.lastCopied / 2;
  if (caughtUp) return { state: { ...seen, catchingUp: false, handedBackAt: log, lastCopied: Infinity }, ownCheckpointsOff: false, again: false };
  // What the writer appended meanwhile is copied at once, not in 1.5 s.
  return { state: { ...state, ...seen, lastCopied: copied }, ownCheckpointsOff: null, again: true };
}
