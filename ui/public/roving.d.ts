/**
 * Where a key moves focus in a list of `count` items from item `index`
 * (-1: from outside the list), or `null` for a key the list ignores.
 */
export function rovingIndex(
  index: number,
  key: string,
  count: number,
): number | null;
