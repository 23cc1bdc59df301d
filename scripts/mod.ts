/**
 * agora's task runner: the local cluster runner (`up`, `down`, `status`,
 * `logs`), the acceptance suite, benchmarks and the service topology.
 * Most of it is run through `deno task`; the acceptance suite is also used
 * in-process by the web UI (`@agora/scripts/acceptance`).
 *
 * @module
 */

export {
  DEFAULT_PORTS,
  SERVER_PORTS,
  SERVICES,
  type ServiceSpec,
} from "./services.ts";
