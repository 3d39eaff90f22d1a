import * as dispute from '@bp/dispute-service';
import * as escrow from '@bp/escrow-service';
import * as notification from '@bp/notification-service';
import * as order from '@bp/order-service';
import { ServiceNames, type ServiceModule, type ServiceName } from '@bp/runtime';

/**
 * The four service modules, found among each package's exports by shape rather than by export name,
 * so the system does not depend on what each service chose to call its module (and a service that
 * has not landed yet is simply absent).
 */
const namespaces: Record<ServiceName, Record<string, unknown>> = { order, escrow, dispute, notification };

const isModule = (v: unknown, name: ServiceName): v is ServiceModule =>
  typeof v === 'object' &&
  v !== null &&
  (v as ServiceModule).name === name &&
  typeof (v as ServiceModule).routes === 'function' &&
  typeof (v as ServiceModule).fireDeadline === 'function' &&
  Array.isArray((v as ServiceModule).publishes);

export const findModule = (name: ServiceName): ServiceModule | undefined => {
  const ns = namespaces[name];
  return Object.values(ns).find((v): v is ServiceModule => isModule(v, name));
};

export const serviceModule = (name: ServiceName): ServiceModule => {
  const m = findModule(name);
  if (!m) throw new Error(`@bp/${name}-service exports no ServiceModule (yet)`);
  return m;
};

/** The services whose module exists in this build, in the canonical order. */
export const availableModules = (): ServiceModule[] => ServiceNames.map(findModule).filter((m): m is ServiceModule => m !== undefined);

export const isServiceName = (s: string): s is ServiceName => (ServiceNames as readonly string[]).includes(s);
