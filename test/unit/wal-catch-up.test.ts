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
