// The chosen language, as shared state so every t() call in a template follows a change.
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

let current = $state<Locale>('en');

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The locale a language tag names, written with a hyphen or as locales often are with an underscore (en_US, zh_CN). */
function localeOf(tag: string | null | undefined): Locale | null {
  const wanted = tag?.trim().toLowerCase().replaceAll('_', '-');
  if (wanted === 'en' || wanted?.startsWith('en-')) return 'en';
  return wanted?.startsWith('zh') ? 'zh-CN' : null;
}

/**
 * `?lang=` wins; otherwise the first of the browser's languages, in its order of preference, that is one of these
 * (any zh-* → zh-CN: French, then Chinese, is Chinese); otherwise English.
 */
export function pickLocale(param: string | null | undefined, browserLanguages: string | readonly string[] | undefined): Locale {
  const languages = typeof browserLanguages === 'string' ? [browserLanguages] : (browserLanguages ?? []);
  return localeOf(param) ?? languages.map(localeOf).find((locale) => locale !== null) ?? 'en';
}
