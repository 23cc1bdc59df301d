/**
 * CURVE key generation.
 *
 * @module
 */

import { ZmqError } from "./errors.ts";
import { library } from "./library.ts";
import { lastError } from "./native.ts";

/** A CURVE key pair as Z85 text (40 characters each). */
export interface CurveKeyPair {
  /** Public key: give it to peers (a server's goes into clients' `curveServerKey`). */
  publicKey: string;
  /** Secret key: keep it private. */
  secretKey: string;
}

/**
 * Generates a CURVE key pair with `zmq_curve_keypair`.
 *
 * @example
 * ```ts
 * import { curveKeyPair, Reply } from "@agora/shared/zmq";
 * const server = curveKeyPair();
 * const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * rep.close();
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const lib = library();
  if (!lib.info.curve) {
    throw new ZmqError(
      `Could not generate a CURVE key pair: this libzmq (${lib.info.path}) was built without CURVE`,
      {
        code: "ENOTSUP",
      },
    );
  }
  const publicKey = new Uint8Array(41);
  const secretKey = new Uint8Array(41);
  if (lib.symbols.zmq_curve_keypair(publicKey, secretKey) !== 0) {
    throw lastError("generate a CURVE key pair");
  }
  const decoder = new TextDecoder();
  return {
    publicKey: decoder.decode(publicKey.subarray(0, 40)),
    secretKey: decoder.decode(secretKey.subarray(0, 40)),
  };
}
