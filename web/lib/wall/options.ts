// What the wall's address asks for: ?team=, ?rotate=, ?page=, ?token= (?lang= is read by the root layout).
export const WALL_PAGES = ['overview', 'agents', 'callbacks'] as const;
export type WallPage = (typeof WALL_PAGES)[number];

export interface WallOptions {
  team: string | null;
  /** Seconds per page when cycling, or null to stay on one page. */
  rotateSec: number | null;
  page: WallPage;
  token: string | null;
}

const MIN_ROTATE_SEC = 5;
/** A day: a browser fires a timer longer than 2^31 - 1 ms (24.8 days) at once, which flipped pages without end. */
const MAX_ROTATE_SEC = 86_400;

export function wallOptions(params: URLSearchParams): WallOptions {
  const rotate = Number(params.get('rotate'));
  const page = params.get('page');
  return {
    team: params.get('team')?.trim() || null,
    rotateSec: Number.isFinite(rotate) && rotate > 0 ? Math.min(MAX_ROTATE_SEC, Math.max(MIN_ROTATE_SEC, rotate)) : null,
    page: (WALL_PAGES as readonly string[]).includes(page ?? '') ? (page as WallPage) : 'overview',
    token: params.get('token') || null
  };
}
