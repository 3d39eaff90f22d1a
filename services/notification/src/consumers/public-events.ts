// Every public event of the topics the service consumes gets the same handler: notices are routed
// by CloudEvents type (domain/routing), and partners may subscribe to any type.
import { publicRegistry, type TopicName } from '@bp/contracts';
import type { EventHandler, Handlers } from '@bp/messaging';

export const handleEveryEventOf = (topics: readonly TopicName[], handler: EventHandler): Handlers =>
  Object.fromEntries(
    publicRegistry()
      .all()
      .filter((d) => d.topic !== undefined && topics.includes(d.topic))
      .map((d) => [d.type, handler]),
  );
