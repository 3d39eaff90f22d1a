import type { NoticeDraft, TemplateValue } from '../notices/kinds';
import { type Catalog, type Locale, Locales, rtlLocales, type Template } from './catalog';
import { en } from './en';
import { fa } from './fa';
import { formatValue } from './format';
import { ja } from './ja';
import { ru } from './ru';

export const catalogs: Record<Locale, Catalog> = { en, ru, ja, fa };

export interface RenderedNotice {
  locale: Locale;
  subject: string;
  text: string;
  html: string;
  /** Placeholders the template used but the notice did not provide (a bug: tested to be empty). */
  missing: string[];
}

const PLACEHOLDER = /\{(\w+)\}/g;
// Isolates keep left-to-right values (ids, amounts, dates) intact inside right-to-left text.
const FSI = '\u2068';
const PDI = '\u2069';
const RLM = '\u200f';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const isLocale = (s: string): s is Locale => (Locales as readonly string[]).includes(s);

/** The recipient's locale picks the template; a missing translation falls back to English per key. */
const templateFor = (kind: NoticeDraft['kind'], locale: Locale): Template => ({
  subject: catalogs[locale][kind]?.subject ?? en[kind].subject,
  body: catalogs[locale][kind]?.body ?? en[kind].body,
});

const fill = (template: string, vars: Record<string, TemplateValue>, locale: Locale, missing: Set<string>, html: boolean): string =>
  template.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      missing.add(name);
      return '—';
    }
    const text = formatValue(v, locale);
    if (html) return rtlLocales.has(locale) ? `<bdi>${escapeHtml(text)}</bdi>` : escapeHtml(text);
    return rtlLocales.has(locale) ? `${FSI}${text}${PDI}` : text;
  });

export const renderNotice = (draft: NoticeDraft, locale: Locale): RenderedNotice => {
  const t = templateFor(draft.kind, locale);
  const vars: Record<string, TemplateValue> = { ...draft.vars, ...(draft.deadline ? { deadline: draft.deadline } : {}) };
  const missing = new Set<string>();
  const rtl = rtlLocales.has(locale);
  const subject = (rtl ? RLM : '') + fill(t.subject, vars, locale, missing, false);
  const text = fill(t.body, vars, locale, missing, false);
  const bodyHtml = fill(escapeHtml(t.body), vars, locale, missing, true);
  const dir = rtl ? 'rtl' : 'ltr';
  const html = `<!doctype html><html lang="${locale}" dir="${dir}"><body><div dir="${dir}" lang="${locale}" style="text-align:${rtl ? 'right' : 'left'}"><p>${bodyHtml}</p></div></body></html>`;
  return { locale, subject, text, html, missing: [...missing] };
};
