export { en, type MessageKey, type Dictionary } from './en';
export { getLocale, setLocale, pickLocale, LOCALES, type Locale } from './locale.svelte';
export { t, type Params } from './translate';
export * from './format';
