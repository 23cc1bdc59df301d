import assert from "node:assert/strict";
import { freePorts, waitFor } from "@agora/shared/client/testing";
import { Publisher, Subscriber } from "@agora/shared/zmq";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

Deno.test("the proxy forwards by topic, counts what it forwards and exits cleanly on SIGTERM", async () => {
  const [xsubPort, xpubPort] = freePorts(2);
  const logDir = await Deno.makeTempDir({ prefix: "agora-proxy-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "--xsub",
      `tcp://127.0.0.1:${xsubPort}`,
      "--xpub",
      `tcp://127.0.0.1:${xpubPort}`,
      "--log-dir",
      logDir,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  const sub = new Subscriber({ linger: 0, receiveTimeout: 5000 });
  const pub = new Publisher({ linger: 0 });
  try {
    sub.connect(`tcp://127.0.0.1:${xpubPort}`);
    sub.subscribe("Lu");
    pub.connect(`tcp://127.0.0.1:${xsubPort}`);
    // The subscription travels subscriber → proxy → publisher; publish
    // probes until one arrives instead of sleeping.
    const pending = sub.receive();
    const first = await waitFor(
      async () => {
        await pub.send(["Lu", "probe"]);
        return await within(pending, 100);
      },
      10_000,
      "the proxy to forward a probe",
    );
    assert.equal(new TextDecoder().decode(first[0]), "Lu");
    // Prefix matching is ZeroMQ's; the topic frame tells them apart.
    await pub.send(["Lucas", "for Lucas"]);
    await pub.send(["Lu", "for Lu"]);
    const seen: string[] = [];
    while (!seen.includes("Lu:for Lu")) {
      const [topic, body] = await sub.receive();
      const t = new TextDecoder().decode(topic);
      seen.push(`${t}:${new TextDecoder().decode(body)}`);
    }
    assert.ok(seen.includes("Lucas:for Lucas"), "prefix delivery reaches us");
  } finally {
    sub.close();
    pub.close();
    child.kill("SIGTERM");
  }
  const status = await child.status;
  const [stdout] = await output;
  assert.equal(status.code, 0, stdout);
  const log = await Deno.readTextFile(`${logDir}/proxy.jsonl`);
  const total = log.trim().split("\n").map((l) => JSON.parse(l))
    .find((e) => e.event === "forwarded_total");
  assert.ok(total, `no forwarded_total line in:\n${log}`);
  assert.ok(total.forwardedMessages >= 3, JSON.stringify(total));
  await Deno.remove(logDir, { recursive: true });
});

/** `promise`'s value, or undefined if it takes longer than `ms`. */
async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
