/**
 * `deno task curve-keys`: prints a fresh cluster CURVE key pair as
 * environment lines, to set on every server of the cluster (see
 * `server/README.md`, "CURVE between cluster members").
 *
 * @module
 */

import { curveKeyPair } from "@agora/shared/zmq";

if (import.meta.main) {
  const { publicKey, secretKey } = curveKeyPair();
  // Single quotes: Z85 uses characters a shell would expand ($, *, …).
  console.log(`AGORA_CURVE_PUBLIC_KEY='${publicKey}'`);
  console.log(`AGORA_CURVE_SECRET_KEY='${secretKey}'`);
}
