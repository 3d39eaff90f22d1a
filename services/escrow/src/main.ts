import { runMain } from '@bp/runtime';
import { escrowService } from './service';

void runMain(escrowService);
