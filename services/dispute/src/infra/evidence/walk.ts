import type { Dimensions } from '../../domain/evidence/structure';

/**
 * One format's structure walker (headers and chunk/segment/box lengths, never the compressed pixels).
 * It pushes every size the file declares onto `declared` as it meets it (so they survive a later
 * defect or a read past the end), and returns the image's size (nothing for video) or the defect
 * that stopped it. It judges nothing: the D3 limits are the domain's (domain/evidence/structure.ts).
 */
export type FormatWalker = (b: Uint8Array, declared: Dimensions[]) => Walked;
export type Walked = { size?: Dimensions } | { defect: string };

export const defect = (reason: string): Walked => ({ defect: reason });

export const fourcc = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));
export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
