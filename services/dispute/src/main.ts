import { runMain } from '@bp/runtime';
import { disputeService } from './service';

void runMain(disputeService);
