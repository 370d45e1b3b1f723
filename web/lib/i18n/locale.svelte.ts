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

/**
 * `?lang=` wins, written with a hyphen or as locales often are with an underscore (en_US, zh_CN); otherwise the
 * browser's language (any zh-* → zh-CN); otherwise English.
 */
export function pickLocale(param: string | null | undefined, browserLanguage: string | undefined): Locale {
  const wanted = param?.trim().toLowerCase().replaceAll('_', '-');
  if (wanted === 'en' || wanted?.startsWith('en-')) return 'en';
  if (wanted === 'zh' || wanted?.startsWith('zh')) return 'zh-CN';
  return browserLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
