/**
 * Least-squares line through points, to split a cost measured at several
 * batch sizes into a fixed part and a part per item.
 *
 * @example
 * ```ts
 * import { fitLine } from "./linear_fit.ts";
 * fitLine([[1, 3], [2, 5], [3, 7]]); // { intercept: 1, slope: 2 }
 * ```
 *
 * @module
 */

/** `y ≈ intercept + slope · x`. */
export interface Line {
  /** The value at x = 0. */
  intercept: number;
  /** The change per unit of x. */
  slope: number;
}

/**
 * The least-squares line through `[x, y]` points; undefined with fewer
 * than two distinct x values (no line is determined).
 */
export function fitLine(
  points: readonly (readonly [number, number])[],
): Line | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}
