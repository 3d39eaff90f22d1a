export { ordersListProjection, listOrders, type OrderListItem, type ListQuery } from './orders-list';
