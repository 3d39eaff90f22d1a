import type { Broker } from '../broker';
import type { Reader } from '../protocol/reader';
import type { Writer } from '../protocol/writer';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
}

export interface RequestContext {
  broker: Broker;
  header: RequestHeader;
  clientHost: string;
  /** Aborted when the client's connection closes (cancels long-polls). */
  closed: AbortSignal;
  /** Closes the client's connection without a reply (fault injection). */
  dropConnection(): void;
}

/**
 * One API: decodes its request body from `r` (positioned after the header) and returns the
 * response body, or null when no response is sent (Produce with acks=0).
 */
export interface ApiHandler {
  key: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** Versions whose request header is v2 (flexible). */
  flexibleFrom?: number;
  handle(ctx: RequestContext, r: Reader, version: number): Writer | null | Promise<Writer | null>;
}
