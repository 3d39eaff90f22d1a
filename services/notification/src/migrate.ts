import { runMigrations } from '@bp/runtime';
import { notificationService } from './service';

void runMigrations(notificationService);
