// Chart colours, matching the CSS variables in web/app.css: canvas charts cannot read CSS variables.
export const palette = {
  text: '#e8eef5',
  muted: '#8a98a8',
  grid: '#243040',
  axis: '#3a4a5e',
  created: '#4da3ff',
  resolved: '#3ecf8e',
  backlog: '#a78bfa',
  frt: '#4da3ff',
  ok: '#3ecf8e',
  warn: '#f5b83d',
  critical: '#ff5d5d'
} as const;
