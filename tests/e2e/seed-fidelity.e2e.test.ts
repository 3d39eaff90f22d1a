import { seedFidelityStories } from './stories/seed-fidelity';
import { describeStories } from './support/story';

// D5, D11, D12, D13, O8, O11, S1: the rules of the second reading of the seeds, end to end.
describeStories('seed fidelity stories', seedFidelityStories);
