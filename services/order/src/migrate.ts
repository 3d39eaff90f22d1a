// Migrations only (the Kubernetes Job before a rollout).
import { runMigrations } from '@bp/runtime';
import { orderService } from './service';

void runMigrations(orderService);
