import { z } from 'zod';
import type { TopicName } from './topics';

/** Turns the data of version `from` into the data of version `from + 1`. Pure. */
export type Upcaster = (data: any) => unknown;

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** Domain event type, PascalCase past tense, e.g. `OrderCompleted`. */
  type: string;
  /** Current schema version. */
  version: number;
  schema: S;
  /** Public events are published on `topic`; private ones stay in the service's log. */
  topic?: TopicName;
  /** CloudEvents `ce_type`, e.g. `marketplace.order.completed.v1`. */
  ceType?: string;
  /** Kafka key and CloudEvents subject (order id; buyer id on buyers.v1). */
  key?: (data: z.infer<S>) => string;
  /** upcasters[n - 1] lifts version n to n + 1; length must be version - 1. */
  upcasters?: Upcaster[];
  description?: string;
}

export const defineEvent = <S extends z.ZodType>(def: EventDefinition<S>): EventDefinition<S> => {
  if ((def.upcasters?.length ?? 0) !== def.version - 1) {
    throw new Error(`${def.type}: version ${def.version} needs ${def.version - 1} upcasters`);
  }
  if (def.topic && (!def.ceType || !def.key)) throw new Error(`${def.type}: public events need ceType and key`);
  return def;
};

export class UnknownEventError extends Error {
  constructor(readonly eventType: string) {
    super(`unknown event type ${eventType}`);
  }
}

/** A set of event definitions: decode (upcast + validate) by type, find by CloudEvents type. */
export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition>();
  private readonly byCeType = new Map<string, EventDefinition>();

  constructor(defs: readonly EventDefinition[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: EventDefinition): this {
    if (this.byType.has(def.type)) throw new Error(`duplicate event type ${def.type}`);
    this.byType.set(def.type, def);
    if (def.ceType) this.byCeType.set(def.ceType, def);
    return this;
  }

  get(type: string): EventDefinition {
    const d = this.byType.get(type);
    if (!d) throw new UnknownEventError(type);
    return d;
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  byCloudEventType(ceType: string): EventDefinition | undefined {
    return this.byCeType.get(ceType);
  }

  all(): EventDefinition[] {
    return [...this.byType.values()];
  }

  /** Upcasts data written at `version` to the current version and validates it. */
  decode<T = unknown>(type: string, version: number, data: unknown): T {
    const def = this.get(type);
    if (version > def.version || version < 1) throw new Error(`${type}: unsupported version ${version}`);
    let current: unknown = data;
    for (let v = version; v < def.version; v++) current = def.upcasters![v - 1]!(current);
    return def.schema.parse(current) as T;
  }

  /**
   * Data read back from the service's own log to rebuild read models: written at the current
   * version it was validated by `encode` when appended, and the log refuses UPDATE and DELETE, so
   * it is returned as is (validation is a third of a rebuild's CPU); older versions are upcast and
   * validated as by `decode`. A schema change that alters what valid data looks like therefore
   * always bumps the version with an upcaster.
   */
  decodeStored<T = unknown>(type: string, version: number, data: unknown): T {
    return version === this.get(type).version ? (data as T) : this.decode<T>(type, version, data);
  }

  /** Validates data about to be written at the current version. */
  encode<T>(type: string, data: T): { version: number; data: T } {
    const def = this.get(type);
    return { version: def.version, data: def.schema.parse(data) as T };
  }
}
