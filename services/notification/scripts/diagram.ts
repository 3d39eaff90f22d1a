/**
 * Writes the webhook delivery lifecycle diagram (rendered by @bp/lifecycle from
 * src/domain/webhooks/delivery-process.ts) into the service README between the kit's markers:
 *   node --require ./tools/swc-register.js services/notification/scripts/diagram.ts
 * test/domain/delivery-process.unit.test.ts fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagram, withDiagram } from '@bp/lifecycle';
import { DELIVERY_PROCESS } from '../src/domain/webhooks/delivery-process';

export const deliveryDiagram = (): string => renderDiagram(DELIVERY_PROCESS, { finals: [], start: 'none' });

/** The README with the diagram block replaced (markers kept). */
export const renderReadme = (readme: string): string => withDiagram(readme, deliveryDiagram());

export const README_PATH = join(__dirname, '..', 'README.md');

if (require.main === module) writeFileSync(README_PATH, renderReadme(readFileSync(README_PATH, 'utf8')));
