// Which SLA policy a save was made from: GET /api/sla-policies's ETag, sent back by a save as If-Match. A save
// replaces the whole policy, so one made from a page opened before another admin's save would throw theirs away.

/** The newest version's tag (its effect time and save time name it: a save in the same minute replaces it with a new setAt); "none" before any save. */
export const slaPolicyTag = (newest: { effectiveFrom: number; setAt: number } | undefined): string =>
  newest ? `"${newest.effectiveFrom}.${newest.setAt}"` : '"none"';
