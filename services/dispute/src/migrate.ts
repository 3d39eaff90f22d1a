import { runMigrations } from '@bp/runtime';
import { disputeService } from './service';

void runMigrations(disputeService);
