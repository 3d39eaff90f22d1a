import type { Catalog } from './catalog';

export const fa: Catalog = {
  order_placed: {
    subject: 'سفارش {orderId}: پرداخت را تکمیل کنید',
    body: 'سفارش {orderId} به مبلغ {total} در انتظار پرداخت است. تا {deadline} پرداخت کنید، وگرنه سفارش خودکار بسته می‌شود.',
  },
  order_paid: {
    subject: 'سفارش {orderId} پرداخت شد: لطفاً ارسال کنید',
    body: 'خریدار {amount} برای سفارش {orderId} پرداخت کرد و پول نزد پلتفرم امانت است. تا {deadline} ارسال کنید، وگرنه سفارش با بازپرداخت کامل بسته می‌شود.',
  },
  order_shipped: {
    subject: 'سفارش {orderId} ارسال شد',
    body: 'سفارش {orderId} با {carrier} و کد رهگیری {trackingNumber} ارسال شد. حمایت از خریدار تا {protectionEndsAt} برقرار است.',
  },
  order_delivered: {
    subject: 'سفارش {orderId} تحویل شد',
    body: 'تحویل سفارش {orderId} گزارش شد. کالا را بررسی کنید، سپس دریافت را تأیید کنید یا تا پایان دوره حمایت اختلاف باز کنید.',
  },
  order_completed: { subject: 'سفارش {orderId} تکمیل شد', body: 'سفارش {orderId} تکمیل شد و {amount} به فروشنده پرداخت می‌شود.' },
  order_cancelled: { subject: 'سفارش {orderId} لغو شد', body: 'سفارش {orderId} لغو شد. هر پرداختی به‌طور کامل بازگردانده می‌شود.' },
  order_closed: { subject: 'سفارش {orderId} بسته شد', body: 'سفارش {orderId} بسته شد ({reason}). پول نگه‌داشته‌شده برای آن بازگردانده می‌شود.' },
  extension_requested: {
    subject: 'سفارش {orderId}: خریدار {days} روز تمدید حمایت می‌خواهد',
    body: 'خریدار درخواست کرده حمایت سفارش {orderId} به مدت {days} روز تمدید شود. تا {deadline} تأیید یا رد کنید.',
  },
  extension_approved: {
    subject: 'حمایت سفارش {orderId} تمدید شد',
    body: 'فروشنده {days} روز تمدید را تأیید کرد. حمایت سفارش {orderId} اکنون تا {protectionEndsAt} برقرار است.',
  },
  extension_declined: {
    subject: 'تمدید سفارش {orderId} رد شد',
    body: 'فروشنده درخواست تمدید حمایت سفارش {orderId} را رد کرد. اگر مشکلی هست، تا پایان حمایت هنوز می‌توانید اختلاف باز کنید.',
  },
  extension_lapsed: {
    subject: 'به درخواست تمدید سفارش {orderId} پاسخی داده نشد',
    body: 'فروشنده به‌موقع به درخواست تمدید حمایت سفارش {orderId} پاسخ نداد، پس دوره حمایت تغییری نکرد. اگر مشکلی هست، تا پایان حمایت هنوز می‌توانید اختلاف باز کنید.',
  },
  payment_failed: {
    subject: 'پرداخت سفارش {orderId} ناموفق بود',
    body: 'پرداخت سفارش {orderId} انجام نشد. تا {deadline} روش پرداخت دیگری را امتحان کنید، وگرنه سفارش خودکار بسته می‌شود.',
  },
  payment_returned: {
    subject: 'پرداخت سفارش {orderId} بازگردانده شد',
    body: 'پرداخت {amount} شما برای سفارش {orderId} پذیرفته نشد و به روش پرداخت شما بازگردانده می‌شود.',
  },
  funds_released: { subject: 'پول سفارش {orderId} آزاد شد', body: '{amount} برای سفارش {orderId} به موجودی شما واریز شد.' },
  refund_completed: { subject: 'بازپرداخت سفارش {orderId} انجام شد', body: '{amount} برای سفارش {orderId} به روش پرداخت شما بازگردانده شد.' },
  seller_debited: {
    subject: 'موجودی شما برای سفارش {orderId} اصلاح شد',
    body: 'پس از تصمیم درباره اختلاف، {amount} بابت سفارش {orderId} از موجودی شما کسر شد.',
  },
  dispute_opened: {
    subject: 'برای سفارش {orderId} اختلاف باز شد',
    body: 'خریدار برای سفارش {orderId} اختلاف باز کرد. تا {deadline} پیشنهاد خریدار را بپذیرید یا پیشنهاد متقابل بدهید؛ بدون پاسخ، پیشنهاد خریدار پذیرفته می‌شود.',
  },
  dispute_counter_proposed: {
    subject: 'فروشنده به اختلاف سفارش {orderId} پاسخ داد',
    body: 'فروشنده برای سفارش {orderId} پیشنهاد متقابل داد. تا {deadline} آن را بپذیرید، پیشنهاد خود را تغییر دهید یا اختلاف را به داوری ببرید؛ وگرنه اختلاف به داوری می‌رود.',
  },
  dispute_proposal_edited: {
    subject: 'خریدار پیشنهاد سفارش {orderId} را تغییر داد',
    body: 'خریدار پیشنهاد اختلاف سفارش {orderId} را تغییر داد. تا {deadline} پاسخ دهید، وگرنه پذیرفته می‌شود.',
  },
  dispute_escalated: { subject: 'اختلاف سفارش {orderId} به داوری رفت', body: 'اختلاف سفارش {orderId} به داوری رفت. تا {deadline} مدارک خود را اضافه کنید.' },
  dispute_withdrawn: { subject: 'اختلاف سفارش {orderId} پس گرفته شد', body: 'خریدار اختلاف سفارش {orderId} را پس گرفت.' },
  dispute_settled: { subject: 'اختلاف سفارش {orderId} حل شد', body: 'اختلاف سفارش {orderId} با بازپرداخت {refund} حل شد.' },
  return_requested: {
    subject: 'کالای سفارش {orderId} را بازگردانید',
    body: 'کالای سفارش {orderId} را بازگردانید و تا {deadline} کد رهگیری را وارد کنید، وگرنه اختلاف به نفع فروشنده بسته می‌شود.',
  },
  return_shipped: {
    subject: 'مرجوعی سفارش {orderId} در راه است',
    body: 'خریدار مرجوعی سفارش {orderId} را ارسال کرد (کد رهگیری {trackingNumber}). تا {deadline} دریافت را تأیید کنید یا مشکل را گزارش دهید؛ بدون پاسخ، پول خریدار خودکار بازگردانده می‌شود.',
  },
  fast_refund_granted: {
    subject: 'بازپرداخت سریع سفارش {orderId}',
    body: 'به‌عنوان خریدار ویژه، {amount} را همین حالا، پیش از رسیدن مرجوعی سفارش {orderId} به فروشنده، دریافت می‌کنید.',
  },
  resend_agreed: {
    subject: 'برای سفارش {orderId} کالای جایگزین ارسال می‌شود',
    body: 'اختلاف سفارش {orderId} با ارسال کالای جایگزین حل شد. فروشنده تا {deadline} آن را ارسال و کد رهگیری را وارد می‌کند؛ وگرنه اختلاف به داوری می‌رود.',
  },
  resend_shipped: {
    subject: 'کالای جایگزین سفارش {orderId} ارسال شد',
    body: 'فروشنده کالای جایگزین را با {carrier} و کد رهگیری {trackingNumber} ارسال کرد. حمایت سفارش {orderId} تمدید شد.',
  },
  appeal_filed: { subject: 'برای سفارش {orderId} درخواست تجدیدنظر ثبت شد', body: 'برای رأی سفارش {orderId} درخواست تجدیدنظر ثبت شد.' },
  appeal_decided: { subject: 'نتیجه تجدیدنظر سفارش {orderId}', body: 'درباره تجدیدنظر سفارش {orderId} تصمیم گرفته شد: {decision}.' },
  sla_breached: { subject: 'مهلت رأی سفارش {orderId} گذشته است', body: 'مهلت رأی اختلاف سفارش {orderId} تا {deadline} بود و گذشته است.' },
  buyer_level_changed: { subject: 'سطح خریدار شما اکنون {level} است', body: 'از خرید شما سپاسگزاریم: سطح باشگاه خریداران شما اکنون {level} است.' },
  reminder_protection_ending: {
    subject: 'حمایت سفارش {orderId} به‌زودی تمام می‌شود',
    body: 'حمایت از خریدار برای سفارش {orderId} در {deadline} تمام می‌شود. دریافت را تأیید کنید، یا اگر مشکلی هست پیش از آن اختلاف باز کنید.',
  },
  reminder_dispute_answer: {
    subject: 'یادآوری: به اختلاف سفارش {orderId} پاسخ دهید',
    body: 'تا {deadline} به اختلاف سفارش {orderId} پاسخ دهید، وگرنه پیشنهاد خریدار پذیرفته می‌شود.',
  },
  reminder_ship: {
    subject: 'یادآوری: سفارش {orderId} را ارسال کنید',
    body: 'سفارش {orderId} را تا {deadline} ارسال کنید، وگرنه با بازپرداخت کامل به خریدار بسته می‌شود.',
  },
  reminder_return_ship: {
    subject: 'یادآوری: مرجوعی سفارش {orderId} را ارسال کنید',
    body: 'مرجوعی سفارش {orderId} را تا {deadline} ارسال کنید، وگرنه اختلاف به نفع فروشنده بسته می‌شود.',
  },
  reminder_resend_ship: {
    subject: 'یادآوری: کالای جایگزین سفارش {orderId} را ارسال کنید',
    body: 'کالای جایگزین سفارش {orderId} را تا {deadline} ارسال و کد رهگیری را وارد کنید، وگرنه اختلاف به داوری می‌رود.',
  },
  reminder_sla_at_risk: { subject: 'مهلت رأی سفارش {orderId} نزدیک است', body: 'مهلت رأی اختلاف سفارش {orderId} تا {deadline} است.' },
};
