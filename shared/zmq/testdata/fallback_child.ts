/**
 * Child process for library_test.ts: reports which libzmq loaded and proves
 * it works with one REQ/REP round trip.
 *
 * @module
 */

import { libraryInfo, Reply, Request } from "../mod.ts";

const rep = new Reply();
await rep.bind("tcp://127.0.0.1:*");
const req = new Request({ receiveTimeout: 5000 });
req.connect(rep.lastEndpoint);
await req.send("ping");
await rep.send(await rep.receive());
const [reply] = await req.receive();
req.close();
rep.close();
console.log(
  JSON.stringify({ ...libraryInfo(), reply: new TextDecoder().decode(reply) }),
);
