import { orderStories } from './stories/order-lifecycle';
import { describeStories } from './support/story';

// Orders without disputes: the money moves on confirmation, auto-confirmation, or not at all.
describeStories('order stories', orderStories);
