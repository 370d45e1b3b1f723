// Small helpers for benchmark figures: percentiles and aligned printing.
export function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? NaN;
}
export const median = (values: number[]) => percentile(values, 0.5);

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function row(label: string, ...cells: string[]): void {
  console.log(`  ${label.padEnd(50)} ${cells.map((c) => c.padStart(14)).join(' ')}`);
}

export function heading(title: string): void {
  console.log(`\n${title}\n${'─'.repeat(title.length)}`);
}
