/**
 * CURVE between cluster members: the cluster key pair's validation and the
 * default endpoint of the peer socket. Every server holds the same pair
 * (membership = holding the secret key): the peer socket is a CURVE server
 * with the secret key, and a server's requests to peers are CURVE clients
 * that trust that public key and present the pair as their own.
 *
 * @module
 */

/** The cluster's CURVE key pair (Z85 text, 40 characters each). */
export interface CurveKeys {
  /** Public key. */
  publicKey: string;
  /** Secret key. */
  secretKey: string;
}

/** Characters of the Z85 alphabet (ZeroMQ RFC 32). */
const Z85 =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
/** Length of a Z85-encoded 32-byte CURVE key. */
export const CURVE_KEY_CHARS = 40;

/**
 * Why `value` is not a Z85 CURVE key, or undefined when it is one. `label`
 * names the option in the message.
 */
export function curveKeyProblem(
  value: string,
  label: string,
): string | undefined {
  if (value.length !== CURVE_KEY_CHARS) {
    return `${label} must be ${CURVE_KEY_CHARS} Z85 characters, got ${value.length}`;
  }
  for (const char of value) {
    if (!Z85.includes(char)) {
      return `${label} holds ${
        JSON.stringify(char)
      }, which is not a Z85 character`;
    }
  }
  return undefined;
}

/**
 * The cluster key pair from the two options: undefined when neither is
 * set (CURVE off).
 *
 * @throws {RangeError} when only one is set, or one is not a Z85 key
 */
export function curveKeysFrom(
  publicKey: string | undefined,
  secretKey: string | undefined,
): CurveKeys | undefined {
  if (publicKey === undefined && secretKey === undefined) return undefined;
  if (publicKey === undefined || secretKey === undefined) {
    throw new RangeError(
      "CURVE needs both --curve-public-key and --curve-secret-key (AGORA_CURVE_PUBLIC_KEY, AGORA_CURVE_SECRET_KEY); generate them with `deno task curve-keys`",
    );
  }
  const problem = curveKeyProblem(publicKey, "--curve-public-key") ??
    curveKeyProblem(secretKey, "--curve-secret-key");
  if (problem !== undefined) throw new RangeError(problem);
  if (publicKey === secretKey) {
    throw new RangeError(
      "--curve-public-key and --curve-secret-key must differ: they are the two halves of one pair",
    );
  }
  return { publicKey, secretKey };
}

/**
 * The peer socket's default endpoint: the client bind's host with the next
 * port (`tcp://*:5555` → `tcp://*:5556`); an ephemeral client bind (`:*`)
 * gives an ephemeral peer bind.
 *
 * @throws {RangeError} for an endpoint that is not `tcp://host:port`
 */
export function defaultPeerBind(bind: string): string {
  const match = /^tcp:\/\/(.+):(\d+|\*)$/.exec(bind);
  if (!match) {
    throw new RangeError(
      `Cannot derive --peer-bind from --bind "${bind}": give --peer-bind`,
    );
  }
  const [, host, port] = match;
  if (port === "*") return `tcp://${host}:*`;
  const next = Number(port) + 1;
  if (next > 65535) {
    throw new RangeError(
      `Cannot derive --peer-bind from --bind "${bind}": give --peer-bind`,
    );
  }
  return `tcp://${host}:${next}`;
}

/** A `list` entry as far as {@link peerRoutes} cares. */
export interface ListedPeer {
  /** Endpoint of its client socket. */
  address?: string;
  /** Endpoint of its CURVE peer socket (extension). */
  peer_address?: string;
}

/**
 * The list peers are reached through: with CURVE on, an entry that lists a
 * `peer_address` is reached there (its `address` is replaced) and that
 * endpoint is put in `curveEndpoints` (whose old contents are dropped, so
 * the set stays as small as the list); otherwise entries are unchanged.
 */
export function peerRoutes<T extends ListedPeer>(
  list: readonly T[],
  curveOn: boolean,
  curveEndpoints: Set<string>,
): T[] {
  curveEndpoints.clear();
  if (!curveOn) return [...list];
  return list.map((entry) => {
    if (entry.peer_address === undefined) return entry;
    curveEndpoints.add(entry.peer_address);
    return { ...entry, address: entry.peer_address };
  });
}
