/**
 * Groups services into waves that can start together: a service comes in
 * the wave after the last of its dependencies (dependencies outside the
 * given set are taken as already running). Pure.
 *
 * @module
 */

/**
 * Orders `services` into waves by their `dependsOn`, keeping the given
 * order inside a wave. Throws on a dependency cycle.
 *
 * @example
 * ```ts
 * import { serviceWaves } from "./waves.ts";
 * serviceWaves([
 *   { name: "reference", dependsOn: [] },
 *   { name: "server_1", dependsOn: ["reference"] },
 *   { name: "proxy", dependsOn: [] },
 * ]).map((w) => w.map((s) => s.name)); // [["reference", "proxy"], ["server_1"]]
 * ```
 */
export function serviceWaves<T extends { name: string; dependsOn: string[] }>(
  services: readonly T[],
): T[][] {
  const names = new Set(services.map((s) => s.name));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const byName = new Map(services.map((s) => [s.name, s]));
  const levelOf = (service: T): number => {
    const known = level.get(service.name);
    if (known !== undefined) return known;
    if (visiting.has(service.name)) {
      throw new Error(`Dependency cycle through "${service.name}".`);
    }
    visiting.add(service.name);
    let mine = 0;
    for (const dep of service.dependsOn) {
      if (names.has(dep)) mine = Math.max(mine, levelOf(byName.get(dep)!) + 1);
    }
    visiting.delete(service.name);
    level.set(service.name, mine);
    return mine;
  };
  const waves: T[][] = [];
  for (const service of services) {
    const l = levelOf(service);
    (waves[l] ??= []).push(service);
  }
  return waves.filter((w) => w !== undefined);
}
