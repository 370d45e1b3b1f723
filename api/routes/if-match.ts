// If-Match on an admin's save: the page sends back the ETag of what it shows, so a save made over another admin's
// change it never saw is refused (412) rather than undoing theirs.

/** `header` (a list of tags, or `*`) names `tag`; no header at all asks for no check (a script's save). */
export function ifMatchHolds(header: string | undefined, tag: string): boolean {
  if (header === undefined) return true;
  return header.split(',').some((t) => {
    const one = t.trim().replace(/^W\//, '');
    return one === '*' || one === tag;
  });
}
