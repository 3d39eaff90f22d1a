import type { Catalog } from './catalog';

export const ja: Catalog = {
  order_placed: {
    subject: '注文 {orderId}: お支払いをお済ませください',
    body: '注文 {orderId}（{total}）はお支払い待ちです。{deadline} までにお支払いください。期限を過ぎると注文は自動的に終了します。',
  },
  order_paid: {
    subject: '注文 {orderId} の支払いが完了しました: 発送してください',
    body: '購入者が注文 {orderId} に {amount} を支払い、代金はエスクローで保管されています。{deadline} までに発送してください。発送がない場合は全額返金で注文が終了します。',
  },
  order_shipped: {
    subject: '注文 {orderId} が発送されました',
    body: '注文 {orderId} は {carrier} で発送されました。追跡番号は {trackingNumber} です。購入者保護は {protectionEndsAt} まで有効です。',
  },
  order_delivered: {
    subject: '注文 {orderId} が配達されました',
    body: '注文 {orderId} の配達が報告されました。商品をご確認のうえ、受け取り確認をするか、保護期間中に紛争を申し立ててください。',
  },
  order_completed: { subject: '注文 {orderId} が完了しました', body: '注文 {orderId} が完了し、{amount} が出品者に支払われます。' },
  order_cancelled: { subject: '注文 {orderId} はキャンセルされました', body: '注文 {orderId} はキャンセルされました。お支払い済みの場合は全額返金されます。' },
  order_closed: { subject: '注文 {orderId} は終了しました', body: '注文 {orderId} は終了しました（{reason}）。保管中の代金は返金されます。' },
  extension_requested: {
    subject: '注文 {orderId}: 購入者が保護期間の {days} 日延長を希望しています',
    body: '購入者が注文 {orderId} の保護期間を {days} 日延長するよう求めています。{deadline} までに承認または拒否してください。',
  },
  extension_approved: {
    subject: '注文 {orderId} の保護期間が延長されました',
    body: '出品者が {days} 日の延長を承認しました。注文 {orderId} の保護は {protectionEndsAt} まで有効です。',
  },
  extension_declined: {
    subject: '注文 {orderId} の延長は拒否されました',
    body: '出品者は注文 {orderId} の保護期間延長を拒否しました。問題がある場合は、保護期間中であれば紛争を申し立てることができます。',
  },
  extension_lapsed: {
    subject: '注文 {orderId} の延長リクエストに回答がありませんでした',
    body: '出品者が期限内に注文 {orderId} の保護期間延長リクエストに回答しなかったため、保護期間は変わりません。問題がある場合は、保護期間中であれば紛争を申し立てることができます。',
  },
  payment_failed: {
    subject: '注文 {orderId} のお支払いに失敗しました',
    body: '注文 {orderId} のお支払いが完了しませんでした。{deadline} までに別のお支払い方法をお試しください。お支払いがない場合、注文は自動的に終了します。',
  },
  payment_returned: {
    subject: '注文 {orderId} のお支払いは返金されます',
    body: '注文 {orderId} のお支払い {amount} は受け付けられなかったため、お支払い方法に返金されます。',
  },
  funds_released: { subject: '注文 {orderId} の代金が支払われました', body: '注文 {orderId} の {amount} が残高に入金されました。' },
  refund_completed: { subject: '注文 {orderId} の返金が完了しました', body: '注文 {orderId} の {amount} をお支払い方法に返金しました。' },
  seller_debited: { subject: '注文 {orderId} の残高が調整されました', body: '紛争の決定により、注文 {orderId} について残高から {amount} が差し引かれました。' },
  dispute_opened: {
    subject: '注文 {orderId} で紛争が申し立てられました',
    body: '購入者が注文 {orderId} について紛争を申し立てました。{deadline} までに提案を承諾するか、対案を提示してください。回答がない場合は購入者の提案が承諾されます。',
  },
  dispute_counter_proposed: {
    subject: '注文 {orderId} の紛争に出品者が回答しました',
    body: '出品者が注文 {orderId} について対案を提示しました。{deadline} までに承諾、提案の変更、またはエスカレーションを行ってください。期限を過ぎると仲裁に移ります。',
  },
  dispute_proposal_edited: {
    subject: '注文 {orderId} の提案が変更されました',
    body: '購入者が注文 {orderId} の紛争の提案を変更しました。{deadline} までに回答してください。回答がない場合は承諾されます。',
  },
  dispute_escalated: {
    subject: '注文 {orderId} の紛争は仲裁に移りました',
    body: '注文 {orderId} の紛争は仲裁に移りました。{deadline} までに証拠を追加してください。',
  },
  dispute_withdrawn: { subject: '注文 {orderId} の紛争は取り下げられました', body: '購入者が注文 {orderId} の紛争を取り下げました。' },
  dispute_settled: { subject: '注文 {orderId} の紛争が解決しました', body: '注文 {orderId} の紛争は {refund} の返金で解決しました。' },
  return_requested: {
    subject: '注文 {orderId} の商品を返品してください',
    body: '{deadline} までに注文 {orderId} の商品を返送し、追跡番号を入力してください。期限を過ぎると紛争は出品者の勝ちで終了します。',
  },
  return_shipped: {
    subject: '注文 {orderId} の返品が発送されました',
    body: '購入者が注文 {orderId} の返品を発送しました（追跡番号 {trackingNumber}）。{deadline} までに受け取りを確認するか、問題を報告してください。回答がない場合、購入者に自動的に返金されます。',
  },
  fast_refund_granted: { subject: '注文 {orderId} の迅速返金', body: '優良購入者として、出品者が注文 {orderId} の返品を受け取る前に {amount} を返金します。' },
  resend_agreed: {
    subject: '注文 {orderId} の代替品が発送されます',
    body: '注文 {orderId} の紛争は代替品の発送で解決しました。出品者は {deadline} までに発送して追跡番号を入力します。発送がない場合、紛争は仲裁に進みます。',
  },
  resend_shipped: {
    subject: '注文 {orderId} の代替品が発送されました',
    body: '出品者が {carrier} で代替品を発送しました。追跡番号は {trackingNumber} です。注文 {orderId} の保護期間は延長されました。',
  },
  appeal_filed: { subject: '注文 {orderId} で異議申し立てがありました', body: '注文 {orderId} の裁定に対して異議が申し立てられました。' },
  appeal_decided: { subject: '注文 {orderId} の異議申し立ての結果', body: '注文 {orderId} の異議申し立ての結果: {decision}。' },
  sla_breached: { subject: '注文 {orderId} の裁定期限を過ぎています', body: '注文 {orderId} の紛争の裁定期限は {deadline} でしたが、まだ裁定がありません。' },
  buyer_level_changed: {
    subject: '購入者レベルが {level} になりました',
    body: 'いつもご利用ありがとうございます。購入者クラブのレベルが {level} になりました。',
  },
  reminder_protection_ending: {
    subject: '注文 {orderId} の保護期間がまもなく終了します',
    body: '注文 {orderId} の購入者保護は {deadline} に終了します。受け取りを確認するか、問題がある場合はそれまでに紛争を申し立ててください。',
  },
  reminder_dispute_answer: {
    subject: 'リマインダー: 注文 {orderId} の紛争に回答してください',
    body: '{deadline} までに注文 {orderId} の紛争に回答してください。回答がない場合は購入者の提案が承諾されます。',
  },
  reminder_ship: {
    subject: 'リマインダー: 注文 {orderId} を発送してください',
    body: '{deadline} までに注文 {orderId} を発送してください。発送がない場合は購入者に全額返金されて終了します。',
  },
  reminder_return_ship: {
    subject: 'リマインダー: 注文 {orderId} の返品を発送してください',
    body: '{deadline} までに注文 {orderId} の返品を発送してください。期限を過ぎると紛争は出品者の勝ちで終了します。',
  },
  reminder_resend_ship: {
    subject: 'リマインダー: 注文 {orderId} の代替品を発送してください',
    body: '{deadline} までに注文 {orderId} の代替品を発送して追跡番号を入力してください。発送がない場合、紛争は仲裁に進みます。',
  },
  reminder_sla_at_risk: { subject: '注文 {orderId} の裁定期限が近づいています', body: '注文 {orderId} の紛争の裁定期限は {deadline} です。' },
};
