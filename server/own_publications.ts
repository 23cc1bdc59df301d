/**
 * Recognises this server's own `replication` publications when the proxy
 * sends them back, before they are parsed: their payload bytes are
 * remembered when they are published and compared on arrival.
 *
 * Only a byte-identical payload is dropped, so a forged publication that
 * claims our name but differs in any byte is still parsed and checked as
 * before. A byte-identical copy carries exactly records this server stored
 * before publishing them, so dropping it loses nothing.
 *
 * @module
 */

/** How many sent payloads are remembered (oldest forgotten first). */
export const OWN_PUBLICATIONS_MAX = 256;

/** The payloads of this server's recent `replication` publications. */
export class OwnPublications {
  readonly #sent: Uint8Array[] = [];
  readonly #max: number;

  /** Remembers up to `max` payloads. */
  constructor(max: number = OWN_PUBLICATIONS_MAX) {
    this.#max = Math.max(1, max);
  }

  /** How many payloads are remembered. */
  get size(): number {
    return this.#sent.length;
  }

  /** Remembers a payload just published. */
  remember(payload: Uint8Array): void {
    this.#sent.push(payload);
    if (this.#sent.length > this.#max) this.#sent.shift();
  }

  /**
   * Whether `payload` is one of ours; if so it is forgotten, with every
   * older one (the proxy keeps one publisher's order; older ones were
   * dropped on the way, e.g. at a high-water mark).
   */
  takeOwn(payload: Uint8Array): boolean {
    for (let at = 0; at < this.#sent.length; at++) {
      if (equalBytes(this.#sent[at], payload)) {
        this.#sent.splice(0, at + 1);
        return true;
      }
    }
    return false;
  }
}

/** Whether two byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
