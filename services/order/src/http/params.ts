import { z } from 'zod';

export const OrderParams = z.object({ orderId: z.string().min(1).max(200) });
export const ExtensionParams = OrderParams.extend({ extensionId: z.string().min(1).max(200) });
export const BuyerParams = z.object({ buyerId: z.string().min(1).max(255) });
