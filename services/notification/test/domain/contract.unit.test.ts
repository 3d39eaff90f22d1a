import { z } from 'zod';
import { publicRegistry } from '@bp/contracts';
import { routes } from '../../src/domain/routing/route';
import { reminderEffects } from '../../src/domain/reminders/reminders';

// Consumer-driven contract: every field the notification service reads from an event must be a
// field its producer publishes (required unless the reader treats it as optional).
type JsonSchema = { properties?: Record<string, unknown>; required?: string[] };
const registry = publicRegistry();
const producerSchema = (ceType: string): JsonSchema => z.toJSONSchema(registry.byCloudEventType(ceType)!.schema, { io: 'input' }) as JsonSchema;

describe('the notification service reads the published contracts', () => {
  it.each(Object.keys(routes))('%s: published, with every field routing reads', (ceType) => {
    expect(registry.byCloudEventType(ceType)).toBeDefined();
    const needs = z.toJSONSchema(routes[ceType]!.needs, { io: 'input' }) as JsonSchema;
    const produced = producerSchema(ceType);
    const problems = Object.keys(needs.properties ?? {}).flatMap((field) => {
      if (!produced.properties?.[field]) return [`${field} is not published`];
      const required = needs.required?.includes(field);
      return required && !produced.required?.includes(field) ? [`${field} is optional in the producer`] : [];
    });
    expect(problems).toEqual([]);
  });

  it.each(Object.entries(reminderEffects).flatMap(([ceType, effects]) => effects.flatMap((e) => ('arm' in e ? [[ceType, e.deadlineField]] : []))))(
    '%s publishes %s, which arms a reminder',
    (ceType, field) => {
      expect(producerSchema(ceType).required).toContain(field);
    },
  );
});
