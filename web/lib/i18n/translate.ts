import { en, type Dictionary, type MessageKey } from './en';
import { getLocale, type Locale } from './locale.svelte';
import { zhCN } from './zh-cn';

const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

/** Looks a key up in the current language and fills `{name}` placeholders. */
export function t(key: MessageKey, params?: Params): string {
  const text = dictionaries[getLocale()][key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
