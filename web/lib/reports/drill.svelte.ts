// The tickets behind a number (GET /api/drill), a page at a time, and one ticket's or callback's story
// (GET /api/tickets/:id, GET /api/callbacks/:id). Manager and admin.
import type { DrillItem } from '../../../api/queries/getDrill';

/** 200 when a manager or an admin is signed in; else what the page explains: 401, 403, or 0 (no answer). */
export async function readerStatus(): Promise<number> {
  const me = await fetch('/api/auth/me', { cache: 'no-store' }).catch(() => null);
  if (!me?.ok) return me?.status ?? 0;
  return ['manager', 'admin'].includes((await me.json().catch(() => null))?.role) ? 200 : 403;
}

/** What GET `url` answered: its JSON, or the status and (for a 400) the server's words on what was wrong. */
export async function getJson<T>(url: string): Promise<{ status: number; body?: T; fault?: string }> {
  const res = await fetch(url, { cache: 'no-store' }).catch(() => null);
  if (!res) return { status: 0 };
  const body = await res.json().catch(() => null);
  if (res.ok && body) return { status: 200, body: body as T };
  const errors = (body as { errors?: { path: string; message: string }[] } | null)?.errors;
  return { status: res.ok ? 502 : res.status, fault: Array.isArray(errors) ? errors.map((e) => `${e.path}: ${e.message}`).join('; ') : undefined };
}

/**
 * Agents' names by their ids, from GET /api/agents (every agent ever seen): the reports call agents by name, and a list
 * or a story showing ids (chen.jing) named people the manager had never seen there. An agent who never sent a name is
 * left out, to be shown by id.
 */
export async function agentNames(): Promise<Map<string, string>> {
  const answer = await getJson<{ agents: { agent: string; name: string | null }[] }>('/api/agents');
  return new Map((answer.body?.agents ?? []).flatMap((a) => (a.name ? [[a.agent, a.name] as const] : [])));
}

/** The drill's parameters an address of /reports/tickets passes on to the API (`limit`: a page's length, 100 unless given). */
export const DRILL_FILTERS = ['measure', 'from', 'to', 'team', 'channel', 'priority', 'category', 'agent', 'limit'] as const;

export function drillQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of DRILL_FILTERS) {
    const v = params.get(k);
    if (v) q.set(k, v);
  }
  return q;
}

/**
 * A list's address fields (those of DRILL_FILTERS, in the address's order) as a record: what a story opened from the
 * list carries, to lead back up to the same address.
 */
export const drillContext = (params: URLSearchParams): Record<string, string> =>
  Object.fromEntries([...params].filter(([k]) => (DRILL_FILTERS as readonly string[]).includes(k)));

type Page = { items: DrillItem[]; next: string | null };

/** How many pages one load or Load more reads on through while they come back empty. */
export const READ_ON_PAGES = 10;

/**
 * Reads pages from `cursor` until one has items or there are no more: the server walks a bounded stretch of facts a
 * page, so a sparse filter over a long window answers empty pages with a `next` (a list that said "nothing behind
 * this number" there was wrong). After READ_ON_PAGES empty pages it stops, with the `next` to go on from.
 */
export async function readOn<T extends Page>(get: (cursor: string | null) => Promise<T | null>, cursor: string | null): Promise<Page | null> {
  let next = cursor;
  for (let n = 0; n < READ_ON_PAGES; n++) {
    const page = await get(next);
    if (!page) return null;
    if (page.items.length > 0 || page.next === null) return { items: page.items, next: page.next };
    next = page.next;
  }
  return { items: [], next };
}

export class DrillList {
  status = $state<number | null>(null);
  fault = $state('');
  items = $state.raw<DrillItem[]>([]);
  next = $state<string | null>(null);
  /** Loading the next page; `moreFailed`: that page did not come (the list so far stays). */
  busy = $state(false);
  moreFailed = $state(false);
  private query = '';

  async load(params: URLSearchParams): Promise<void> {
    const query = (this.query = drillQuery(params).toString());
    this.status = null;
    this.items = [];
    this.next = null;
    const status = await readerStatus();
    if (query !== this.query) return;
    if (status !== 200) return void (this.status = status);
    let failed: { status: number; fault?: string } = { status: 200 };
    const page = await readOn(async (cursor) => {
      const answer = await getJson<Page>(`/api/drill?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!answer.body) failed = answer;
      return answer.body ?? null;
    }, null);
    if (query !== this.query) return;
    this.fault = failed.fault ?? '';
    if (page) [this.items, this.next] = [page.items, page.next];
    // A page after the first that failed still leaves the list as far as it came.
    this.status = page ? 200 : failed.status;
  }

  async more(): Promise<void> {
    if (!this.next || this.busy) return;
    const [query, cursor] = [this.query, this.next];
    this.busy = true;
    this.moreFailed = false;
    const page = await readOn(async (c) => (await getJson<Page>(`/api/drill?${query}&cursor=${encodeURIComponent(c!)}`)).body ?? null, cursor);
    this.busy = false;
    if (query !== this.query) return;
    if (page) [this.items, this.next] = [[...this.items, ...page.items], page.next];
    else this.moreFailed = true;
  }
}

export interface StoryEvent {
  id: string;
  type: string;
  at: string;
  receivedAt?: string;
  [field: string]: unknown;
}

export interface Story {
  ticket?: string;
  callback?: string;
  events: StoryEvent[];
  state: Record<string, unknown> | null;
  pendingCallbacks?: string[];
}

/** The fields of an event that say what it changed: all but its envelope and what the timeline has columns for. */
export function changes(e: StoryEvent): [string, unknown][] {
  return Object.entries(e).filter(([k, v]) => !['id', 'type', 'at', 'receivedAt', 'ticket', 'callback', 'agent'].includes(k) && v !== null && v !== undefined);
}
