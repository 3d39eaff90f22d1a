import { minorUnits } from '@bp/contracts';
import type { TemplateValue } from '../notices/kinds';
import type { Locale } from './catalog';

/** Dates and money formatted for the recipient's locale (N3), in UTC so every reader sees one time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const intlLocale: Record<Locale, string> = { en: 'en-GB', ru: 'ru-RU', ja: 'ja-JP', fa: 'fa-IR' };

/**
 * Intl only draws the number: the exponent is ISO 4217's (the contracts table), shown in full, so
 * IRR 1,234.56 is never read as 123,456 rials (Intl's display digits differ for IRR, IQD, ...).
 */
export const formatMoney = (m: { amount: number; currency: string }, locale: Locale): string => {
  const digits = minorUnits(m.currency);
  return new Intl.NumberFormat(intlLocale[locale], {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(m.amount / 10 ** digits);
};

export const formatInstant = (iso: string, locale: Locale): string =>
  new Intl.DateTimeFormat(intlLocale[locale], {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(new Date(iso));

export const formatValue = (v: TemplateValue, locale: Locale): string => {
  if (typeof v === 'object') return formatMoney(v, locale);
  if (typeof v === 'string' && ISO_INSTANT.test(v)) return formatInstant(v, locale);
  return String(v);
};
