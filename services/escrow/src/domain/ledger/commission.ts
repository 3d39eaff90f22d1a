/**
 * E1 commission rounding: commission = floor(gross * bps / 10 000); the remainder (the fraction of a
 * minor unit) goes to the seller, so net + commission = gross exactly and the platform never rounds
 * in its own favour. Integer arithmetic only (gross * bps stays far below 2^53 for real amounts).
 */
export const splitCommission = (gross: number, bps: number): { commission: number; net: number } => {
  if (!Number.isSafeInteger(gross) || gross < 0) throw new RangeError(`gross must be a non-negative integer: ${gross}`);
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new RangeError(`bps must be 0..10000: ${bps}`);
  const commission = Math.floor((gross * bps) / 10_000);
  return { commission, net: gross - commission };
};
