// The order service process (PORT default 3001, see libs/runtime config).
import { runMain } from '@bp/runtime';
import { orderService } from './service';

void runMain(orderService);
