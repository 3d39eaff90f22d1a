import { runMigrations } from '@bp/runtime';
import { escrowService } from './service';

void runMigrations(escrowService);
