import { disputeStories } from './stories/disputes';
import { describeStories } from './support/story';

// Disputes settled by silence, agreement or ruling: dispute, order and escrow must agree.
describeStories('dispute stories', disputeStories);
