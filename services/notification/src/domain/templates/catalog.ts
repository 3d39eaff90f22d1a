import type { NoticeKind } from '../notices/kinds';

/** `{name}` placeholders; `{deadline}` is the notice's deadline. Values are formatted per locale. */
export interface Template {
  subject: string;
  body: string;
}
/** English is complete by type; other locales may miss a key and fall back to English per key (N3). */
export type FullCatalog = Record<NoticeKind, Template>;
export type Catalog = { [K in NoticeKind]?: Partial<Template> };

export const Locales = ['en', 'ru', 'ja', 'fa'] as const;
export type Locale = (typeof Locales)[number];
export const rtlLocales: ReadonlySet<Locale> = new Set(['fa']);
