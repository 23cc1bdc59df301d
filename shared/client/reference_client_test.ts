import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { AgoraError } from "./errors.ts";
import { ReferenceClient } from "./reference_client.ts";
import { deadEndpoint } from "./_responder.ts";
import { freePorts, WORKSPACE_ROOT } from "./testing/local_cluster.ts";
import { ManagedProcess } from "./testing/managed_process.ts";
import { waitFor } from "./testing/wait_for.ts";

Deno.test("ReferenceClient ranks, heartbeats and lists against the real reference", async () => {
  const dir = await Deno.makeTempDir({ prefix: "agora_ref_" });
  const [port] = freePorts(1);
  const endpoint = `tcp://127.0.0.1:${port}`;
  const process = ManagedProcess.start({
    name: "reference",
    main: `${WORKSPACE_ROOT}reference/main.ts`,
    env: {
      AGORA_BIND: endpoint,
      AGORA_DATA_DIR: `${dir}/data`,
      AGORA_LOG_DIR: `${dir}/logs`,
    },
    cwd: dir,
    config: `${WORKSPACE_ROOT}deno.json`,
  });
  const reference = new ReferenceClient({ endpoint, timeoutMs: 500 });
  try {
    await waitFor(() => reference.list().then(() => true), 20_000, "reference");
    const rank = await reference.rank("server_a", "tcp://127.0.0.1:1");
    assertEquals(await reference.rank("server_a", "tcp://127.0.0.1:1"), rank);
    const other = await reference.rank("server_b");
    assertEquals(other !== rank, true);
    await reference.heartbeat("server_a", "tcp://127.0.0.1:1");
    const list = await reference.list();
    const entry = list.find((e) => e.name === "server_a");
    assertEquals(entry?.rank, rank);
    assertEquals(entry?.address, "tcp://127.0.0.1:1");
    assertEquals(reference.clock.value > 0, true);
    let rejected: AgoraError | undefined;
    try {
      await reference.rank(" bad name ");
    } catch (error) {
      rejected = error as AgoraError;
    }
    assertEquals(rejected?.code, "rejected");
  } finally {
    reference.close();
    await process.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ReferenceClient gives up after its attempts with code unavailable", async () => {
  const reference = new ReferenceClient({
    endpoint: deadEndpoint(),
    timeoutMs: 80,
    attempts: 2,
  });
  try {
    let error: AgoraError | undefined;
    try {
      await reference.list();
    } catch (e) {
      error = e as AgoraError;
    }
    assertEquals(error?.code, "unavailable");
    assertEquals(error?.attempts.length, 2);
  } finally {
    reference.close();
  }
});
