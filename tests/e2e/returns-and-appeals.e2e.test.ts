import { returnStories } from './stories/returns-and-appeals';
import { describeStories } from './support/story';

// Disputes that move goods (returns, resends) or money twice (an appeal overturning a ruling).
describeStories('return, resend and appeal stories', returnStories);
