import { noticeKinds } from '../../src/domain/notices/kinds';
import { reminderNotice, ReminderKinds } from '../../src/domain/reminders/reminders';
import { route } from '../../src/domain/routing/route';
import { Locales } from '../../src/domain/templates/catalog';
import { formatMoney } from '../../src/domain/templates/format';
import { catalogs, renderNotice } from '../../src/domain/templates/render';
import { facts, samples } from './samples';

describe('N3 templates', () => {
  it.each(Locales)('every notice kind has a subject and a body in %s', (locale) => {
    const missing = noticeKinds.filter((k) => !catalogs[locale][k]?.subject || !catalogs[locale][k]?.body);
    expect(missing).toEqual([]);
  });

  const drafts = [
    ...Object.entries(samples).flatMap(([ceType, data]) => route(ceType, data, facts)),
    ...route('marketplace.buyer.level-changed.v1', { buyerId: 'buyer-1', level: 'A4' }, undefined),
    ...ReminderKinds.map((reminder) => reminderNotice({ orderId: 'o-1', reminder, deadline: '2026-03-04T00:00:00.000Z', to: 'buyer' }, facts)),
  ];

  it('samples cover every notice kind', () => {
    expect(new Set(drafts.map((d) => d.kind))).toEqual(new Set(noticeKinds));
  });

  it.each(Locales)('renders every kind in %s without a missing variable or a raw placeholder', (locale) => {
    for (const d of drafts) {
      const r = renderNotice(d, locale);
      expect({ kind: d.kind, missing: r.missing }).toEqual({ kind: d.kind, missing: [] });
      expect(r.subject + r.text + r.html).not.toMatch(/\{\w+\}/);
    }
  });

  it('falls back to English per key, never to a key name', () => {
    const ru = catalogs.ru;
    const saved = ru.order_closed;
    ru.order_closed = { subject: 'Заказ {orderId} закрыт' }; // body missing
    try {
      const r = renderNotice(route('marketplace.order.closed.v1', samples['marketplace.order.closed.v1'], facts)[0]!, 'ru');
      expect(r.subject).toBe('Заказ o-1 закрыт');
      expect(r.text).toBe('Order o-1 was closed (UNPAID). Any payment held for it is refunded.');
    } finally {
      ru.order_closed = saved;
    }
  });

  it('writes Persian right to left, isolating left-to-right values', () => {
    const [draft] = route('marketplace.order.placed.v1', samples['marketplace.order.placed.v1'], facts);
    const r = renderNotice(draft!, 'fa');
    expect(r.html).toContain('dir="rtl"');
    expect(r.html).toContain('<bdi>o-1</bdi>');
    expect(r.subject.startsWith('\u200f')).toBe(true);
    expect(r.text).toContain('\u2068o-1\u2069');
  });

  it('formats money and dates for the locale', () => {
    expect(formatMoney({ amount: 12_345, currency: 'USD' }, 'en')).toBe('US$123.45');
    expect(formatMoney({ amount: 1500, currency: 'JPY' }, 'ja')).toBe('￥1,500');
    const en = renderNotice(route('marketplace.order.paid.v1', samples['marketplace.order.paid.v1'], facts)[0]!, 'en');
    expect(en.text).toContain('8 January 2026');
    const ru = renderNotice(route('marketplace.order.paid.v1', samples['marketplace.order.paid.v1'], facts)[0]!, 'ru');
    expect(ru.text).toContain('8 января 2026');
  });

  it("reads amounts with the ISO 4217 exponent, not Intl's display digits (IRR 2, IQD 3, KWD 3, JPY 0)", () => {
    // Intl shows IRR with 0 digits: 123456 minor units would have read as 123,456 rials, 100x too much.
    expect(formatMoney({ amount: 123_456, currency: 'IRR' }, 'en')).toMatch(/^IRR\s?1,234\.56$/);
    expect(formatMoney({ amount: 123_456, currency: 'IRR' }, 'fa')).toContain('۱٬۲۳۴٫۵۶');
    expect(formatMoney({ amount: 123_456, currency: 'IQD' }, 'en')).toMatch(/123\.456$/);
    expect(formatMoney({ amount: 1_234, currency: 'KWD' }, 'en')).toMatch(/1\.234$/);
    expect(formatMoney({ amount: 1_234, currency: 'JPY' }, 'en')).toMatch(/1,234$/);
  });

  it('escapes values in HTML', () => {
    const r = renderNotice(
      { kind: 'order_shipped', recipientId: 'b', orderId: 'o', vars: { orderId: 'o', carrier: '<script>', trackingNumber: 't', protectionEndsAt: 'x' } },
      'en',
    );
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&#60;script&#62;');
  });
});
