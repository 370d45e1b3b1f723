// Categories are free strings (SPEC: `category`, default `other`): the ones this centre's helpdesk sends are said in
// the page's language, any other as it was sent; and the reports' category filter takes the word typed for the code.
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../api/sim/centre';
import { setLocale } from '../../web/lib/i18n';
import { en } from '../../web/lib/i18n/en';
import { zhCN } from '../../web/lib/i18n/zh-cn';
import { KNOWN_CATEGORIES, categoryCode, categorySuggestion, categoryWord } from '../../web/lib/reports/words';
import { filterWords } from '../../web/lib/reports/trend';

afterEach(() => setLocale('en'));

describe('a category in words', () => {
  it('says every category the centre uses in both languages, and one it does not know as it was sent', () => {
    expect([...KNOWN_CATEGORIES].sort()).toEqual(Object.keys(CATEGORIES).sort());
    for (const code of KNOWN_CATEGORIES) {
      expect(en[`category.${code}` as keyof typeof en], code).not.toBe(code);
      expect(zhCN[`category.${code}` as keyof typeof zhCN], code).toMatch(/^[\u4e00-\u9fff]+$/);
    }
    setLocale('zh-CN');
    expect(categoryWord('unconfirmed_payment')).toBe('未确认付款');
    expect(categoryWord('other')).toBe('其他');
    expect(categoryWord('card_dispute')).toBe('card_dispute');
    expect(categorySuggestion('unconfirmed_payment')).toBe('未确认付款 (unconfirmed_payment)');
    expect(categorySuggestion('card_dispute')).toBe('card_dispute');
    setLocale('en');
    expect(categoryWord('unconfirmed_payment')).toBe('Unconfirmed payment');
  });

  it('names the category in the chart\'s heading in words', () => {
    setLocale('zh-CN');
    expect(filterWords({ team: null, agent: null, channel: null, priority: null, category: 'refund' })).toBe('退款');
  });
});

describe('the category filter', () => {
  it('takes the word typed in the page\'s language, or a suggestion picked, as the code; a code, or anything else, as typed', () => {
    setLocale('zh-CN');
    expect(categoryCode('未确认付款')).toBe('unconfirmed_payment');
    expect(categoryCode(' 其他 ')).toBe('other');
    expect(categoryCode('未确认付款 (unconfirmed_payment)')).toBe('unconfirmed_payment');
    expect(categoryCode('unconfirmed_payment')).toBe('unconfirmed_payment');
    expect(categoryCode('card_dispute')).toBe('card_dispute');
    expect(categoryCode('')).toBe('');
    setLocale('en');
    expect(categoryCode('unconfirmed payment')).toBe('unconfirmed_payment');
    // A category seen in the range is taken as it is, even one that reads as another's word.
    expect(categoryCode('Refund', ['Refund'])).toBe('Refund');
  });
});
