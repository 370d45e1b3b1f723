// The checkpointer thread's reading of its rounds (api/ingest/wal-catch-up.mjs): when a long reader held the WAL,
// the writer leaves its checkpoints off while the thread copies it back, and takes them up again after.
import { describe, expect, it } from 'vitest';
import { afterRound, catchUpStart } from '../../api/ingest/wal-catch-up.mjs';

type Round = { busy: number; log: number; checkpointed: number };

/** Plays `rounds` through afterRound: whether the writer's checkpoints are off after each. */
function play(rounds: Round[]): boolean[] {
  let state = catchUpStart();
  let off = false;
  return rounds.map((r) => {
    const next = afterRound(state, r);
    state = next.state;
    if (next.ownCheckpointsOff !== null) off = next.ownCheckpointsOff;
    return off;
  });
}

/** Rounds while a reader holds a snapshot at frame 20: the WAL grows by `perRound` frames a round and none is copied. */
const heldRounds = (from: number, perRound: number, n: number): Round[] =>
  Array.from({ length: n }, (_, i) => ({ busy: 0, log: from + (i + 1) * perRound, checkpointed: 20 }));

describe('the writer’s checkpoints beside a long reader', () => {
  it('stay on while they keep the WAL bounded', () => {
    // The writer resets the WAL every 16,000 pages; the thread copies what it finds every 1.5 s.
    const rounds = [3_000, 9_000, 15_000, 4_000, 10_000, 16_100, 2_000].map((log) => ({ busy: 0, log, checkpointed: log }));
    expect(play(rounds)).toEqual(rounds.map(() => false));
  });

  it('go off once a reader held the WAL past twice their bound, and on again once a round finds little appended', () => {
    const held = heldRounds(0, 8_000, 6); // 8,000 frames a round, up to 48,000: past 32,000 at the fifth
    const copiedBack = [
      { busy: 0, log: 50_000, checkpointed: 50_000 }, // the reader let go: all of it copied
      { busy: 0, log: 51_000, checkpointed: 51_000 } // 1,000 frames appended meanwhile
    ];
    expect(play([...held, ...copiedBack])).toEqual([false, false, false, false, true, true, true, false]);
  });

  it('learn nothing from a round that found the writer’s own checkpoint running', () => {
    const rounds = [...heldRounds(0, 8_000, 5), { busy: 1, log: -1, checkpointed: -1 }];
    expect(play(rounds).at(-1)).toBe(true);
  });
});

/**
 * Rounds after the reader let go of a WAL of `held` frames, each at once after the last as the thread runs them:
 * a round copies what the one before found appended, and the writer appends `floor` frames during a round plus a
 * quarter of what it copies (the copy's own time). Under ingest that never pauses, `floor` is over CAUGHT_UP_PAGES.
 */
function copiedBackRounds(held: number, floor: number, n: number): Round[] {
  const rounds: Round[] = [{ busy: 0, log: held, checkpointed: held }];
  let copied = held;
  for (let i = 1; i < n; i++) {
    const appended = Math.round(floor + copied / 4);
    const log = rounds[i - 1]!.log + appended;
    rounds.push({ busy: 0, log, checkpointed: log });
    copied = appended;
  }
  return rounds;
}

describe('the writer’s checkpoints after a long reader, under ingest that never pauses', () => {
  it('come back within a few rounds, however steady the ingest, and stay on', () => {
    const held = heldRounds(0, 8_000, 8); // 64,000 frames, ~260 MB
    // ~6,700 frames (27 MB) appended a round at the end: every round found more than CAUGHT_UP_PAGES, and the
    // writer's checkpoints stayed off for as long as ingest went on.
    const after = copiedBackRounds(70_000, 5_000, 20);
    const off = play([...held, ...after]).slice(held.length);
    // The thread copies the bulk (70,000 frames, then 22,500 and 10,600), and the writer's checkpoints are on again
    // after the round that copied 7,700, no longer half of what the one before did; the writer's next checkpoint
    // copies the ~6,900 appended meanwhile.
    expect(off.indexOf(false)).toBeGreaterThan(0);
    expect(off.indexOf(false)).toBeLessThanOrEqual(4);
    expect(off.slice(off.indexOf(false))).toEqual(off.slice(off.indexOf(false)).map(() => false));
  });

  it('come back though every round finds one of the server’s own short reads a few frames behind the WAL’s end', () => {
    // A dashboard's live update or a report reads on a snapshot a few commits old; a checkpoint copies only up to
    // it. Rounds that copied all but the last 40 frames read as a reader still holding the WAL, and the writer's
    // checkpoints stayed off, and the WAL grew, for as long as such reads and ingest went on.
    const held = heldRounds(0, 8_000, 8);
    const after = copiedBackRounds(70_000, 5_000, 20).map((r) => ({ ...r, checkpointed: r.log - 40 }));
    const off = play([...held, ...after]).slice(held.length);
    expect(off.indexOf(false)).toBeGreaterThan(0);
    expect(off.indexOf(false)).toBeLessThanOrEqual(4);
  });

  it('stay off while the long reader holds the WAL, though the rounds meanwhile find nothing new to copy', () => {
    // Held at frame 20 until the eighth round: every round copies nothing past it, however long the WAL grows.
    const held = heldRounds(0, 8_000, 12);
    expect(play(held).slice(4)).toEqual(held.slice(4).map(() => true));
  });

  it('stay on while the writer’s next checkpoint has yet to reset the WAL, and go off again for a new reader', () => {
    const held = heldRounds(0, 8_000, 6);
    const copiedBack = [
      { busy: 0, log: 50_000, checkpointed: 50_000 },
      { busy: 0, log: 51_000, checkpointed: 51_000 } // on again here
    ];
    // 1.5 s later the writer has not reset the WAL yet (another reader of the server's in the way): 8,000 frames
    // appended and copied. That is no reader holding the WAL.
    const notYetReset = { busy: 0, log: 59_000, checkpointed: 59_000 };
    // A new long reader before the reset: the WAL grows past the point the writer took its checkpoints back
    // (51,000 frames) by another 32,000.
    const heldAgain = heldRounds(59_000, 8_000, 5).map((r) => ({ ...r, checkpointed: 59_000 }));
    const off = play([...held, ...copiedBack, notYetReset, ...heldAgain]).slice(held.length);
    expect(off).toEqual([true, false, false, false, false, false, true, true]);
  });
});
