import type { Catalog } from './catalog';

export const ru: Catalog = {
  order_placed: {
    subject: 'Заказ {orderId}: оплатите заказ',
    body: 'Ваш заказ {orderId} на сумму {total} ожидает оплаты. Оплатите до {deadline}, иначе заказ закроется автоматически.',
  },
  order_paid: {
    subject: 'Заказ {orderId} оплачен: отправьте его',
    body: 'Покупатель оплатил {amount} за заказ {orderId}; деньги зарезервированы. Отправьте заказ до {deadline}, иначе он закроется с полным возвратом средств.',
  },
  order_shipped: {
    subject: 'Заказ {orderId} отправлен',
    body: 'Заказ {orderId} отправлен службой {carrier}, трек-номер {trackingNumber}. Защита покупателя действует до {protectionEndsAt}.',
  },
  order_delivered: {
    subject: 'Заказ {orderId} доставлен',
    body: 'Заказ {orderId} отмечен как доставленный. Проверьте товар, затем подтвердите получение или откройте спор, пока действует защита.',
  },
  order_completed: { subject: 'Заказ {orderId} завершён', body: 'Заказ {orderId} завершён; {amount} переводится продавцу.' },
  order_cancelled: { subject: 'Заказ {orderId} отменён', body: 'Заказ {orderId} отменён. Оплата, если была, возвращается полностью.' },
  order_closed: { subject: 'Заказ {orderId} закрыт', body: 'Заказ {orderId} закрыт ({reason}). Зарезервированные за него деньги возвращаются.' },
  extension_requested: {
    subject: 'Заказ {orderId}: покупатель просит продлить защиту на {days} дн.',
    body: 'Покупатель просит продлить защиту заказа {orderId} на {days} дн. Одобрите или отклоните запрос до {deadline}.',
  },
  extension_approved: {
    subject: 'Защита заказа {orderId} продлена',
    body: 'Продавец одобрил продление на {days} дн. Защита заказа {orderId} теперь действует до {protectionEndsAt}.',
  },
  extension_declined: {
    subject: 'Продление защиты заказа {orderId} отклонено',
    body: 'Продавец отклонил запрос на продление защиты заказа {orderId}. Если что-то не так, вы всё ещё можете открыть спор, пока действует защита.',
  },
  extension_lapsed: {
    subject: 'Нет ответа на запрос продления защиты заказа {orderId}',
    body: 'Продавец не ответил вовремя на запрос о продлении защиты заказа {orderId}, поэтому срок защиты не изменился. Если что-то не так, вы всё ещё можете открыть спор, пока действует защита.',
  },
  payment_failed: {
    subject: 'Оплата заказа {orderId} не прошла',
    body: 'Оплата заказа {orderId} не прошла. Попробуйте другой способ оплаты до {deadline}, иначе заказ закроется автоматически.',
  },
  payment_returned: {
    subject: 'Платёж по заказу {orderId} возвращён',
    body: 'Ваш платёж {amount} за заказ {orderId} не может быть принят и возвращается на ваш способ оплаты.',
  },
  funds_released: { subject: 'Деньги за заказ {orderId} переведены', body: '{amount} за заказ {orderId} зачислены на ваш баланс.' },
  refund_completed: { subject: 'Возврат за заказ {orderId} отправлен', body: 'Мы вернули {amount} за заказ {orderId} на ваш способ оплаты.' },
  seller_debited: {
    subject: 'Баланс скорректирован по заказу {orderId}',
    body: 'После решения по спору с вашего баланса списано {amount} по заказу {orderId}.',
  },
  dispute_opened: {
    subject: 'По заказу {orderId} открыт спор',
    body: 'Покупатель открыл спор по заказу {orderId}. Примите предложение покупателя или сделайте встречное до {deadline}; без ответа предложение покупателя будет принято.',
  },
  dispute_counter_proposed: {
    subject: 'Продавец ответил на спор по заказу {orderId}',
    body: 'Продавец сделал встречное предложение по заказу {orderId}. Примите его, измените своё предложение или передайте спор на рассмотрение до {deadline}; иначе спор уйдёт в арбитраж.',
  },
  dispute_proposal_edited: {
    subject: 'Покупатель изменил предложение по заказу {orderId}',
    body: 'Покупатель изменил предложение по спору о заказе {orderId}. Ответьте до {deadline}, иначе оно будет принято.',
  },
  dispute_escalated: {
    subject: 'Спор по заказу {orderId} передан в арбитраж',
    body: 'Спор по заказу {orderId} передан в арбитраж. Добавьте доказательства до {deadline}.',
  },
  dispute_withdrawn: { subject: 'Спор по заказу {orderId} отозван', body: 'Покупатель отозвал спор по заказу {orderId}.' },
  dispute_settled: { subject: 'Спор по заказу {orderId} урегулирован', body: 'Спор по заказу {orderId} урегулирован, сумма возврата: {refund}.' },
  return_requested: {
    subject: 'Верните товар по заказу {orderId}',
    body: 'Отправьте товар по заказу {orderId} обратно и укажите трек-номер до {deadline}, иначе спор закроется в пользу продавца.',
  },
  return_shipped: {
    subject: 'Возврат по заказу {orderId} в пути',
    body: 'Покупатель отправил возврат по заказу {orderId} (трек-номер {trackingNumber}). Подтвердите получение или сообщите о проблеме до {deadline}; без ответа покупателю автоматически вернут деньги.',
  },
  fast_refund_granted: {
    subject: 'Быстрый возврат по заказу {orderId}',
    body: 'Как постоянный покупатель вы получаете {amount} сейчас, ещё до того как продавец получит возврат по заказу {orderId}.',
  },
  resend_agreed: {
    subject: 'По заказу {orderId} будет отправлена замена',
    body: 'Спор по заказу {orderId} решён отправкой замены. Продавец отправляет её и указывает трек-номер до {deadline}; иначе спор передаётся в арбитраж.',
  },
  resend_shipped: {
    subject: 'Замена по заказу {orderId} отправлена',
    body: 'Продавец отправил замену службой {carrier}, трек-номер {trackingNumber}. Защита заказа {orderId} продлена.',
  },
  appeal_filed: { subject: 'Подана апелляция по заказу {orderId}', body: 'На решение по заказу {orderId} подана апелляция.' },
  appeal_decided: { subject: 'Решение по апелляции, заказ {orderId}', body: 'По апелляции о заказе {orderId} принято решение: {decision}.' },
  sla_breached: {
    subject: 'Просрочено решение по заказу {orderId}',
    body: 'Решение по спору о заказе {orderId} нужно было вынести до {deadline}; срок истёк.',
  },
  buyer_level_changed: { subject: 'Ваш уровень покупателя теперь {level}', body: 'Спасибо за покупки: ваш уровень в клубе покупателей теперь {level}.' },
  reminder_protection_ending: {
    subject: 'Защита заказа {orderId} скоро закончится',
    body: 'Защита покупателя по заказу {orderId} закончится {deadline}. Подтвердите получение или до этого откройте спор, если что-то не так.',
  },
  reminder_dispute_answer: {
    subject: 'Напоминание: ответьте на спор по заказу {orderId}',
    body: 'Ответьте на спор по заказу {orderId} до {deadline}, иначе предложение покупателя будет принято.',
  },
  reminder_ship: {
    subject: 'Напоминание: отправьте заказ {orderId}',
    body: 'Отправьте заказ {orderId} до {deadline}, иначе он закроется с полным возвратом покупателю.',
  },
  reminder_return_ship: {
    subject: 'Напоминание: отправьте возврат по заказу {orderId}',
    body: 'Отправьте возврат по заказу {orderId} до {deadline}, иначе спор закроется в пользу продавца.',
  },
  reminder_resend_ship: {
    subject: 'Напоминание: отправьте замену по заказу {orderId}',
    body: 'Отправьте замену по заказу {orderId} и укажите трек-номер до {deadline}, иначе спор передаётся в арбитраж.',
  },
  reminder_sla_at_risk: { subject: 'Скоро срок решения по заказу {orderId}', body: 'Решение по спору о заказе {orderId} нужно вынести до {deadline}.' },
};
