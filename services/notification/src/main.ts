import { runMain } from '@bp/runtime';
import { notificationService } from './service';

void runMain(notificationService);
