import { en, type Dictionary, type MessageKey } from './en';
import { getLocale, type Locale } from './locale.svelte';
import { zhCN } from './zh-cn';

const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

/**
 * Looks a key up in the current language and fills `{name}` placeholders. `count`, when given, is what a noun
 * in the text counts: exactly one picks the key's `.one` form where there is one ("1 rating", not "1 ratings").
 */
export function t(key: MessageKey, params?: Params, count?: number): string {
  const one = `${key}.one`;
  const chosen = count === 1 && one in en ? (one as MessageKey) : key;
  const text = dictionaries[getLocale()][chosen] ?? en[chosen];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
