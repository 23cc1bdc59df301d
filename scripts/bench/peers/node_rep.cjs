// zeromq.js REP echo server for the REQ/REP benchmark.
// usage: NODE_PATH=<dir>/node_modules node node_rep.cjs BIND_ENDPOINT
// Prints its resolved endpoint on the first line, then echoes until stdin
// closes.
const zmq = require("zeromq");

async function main() {
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind(process.argv[2]);
  console.log(rep.lastEndpoint);
  process.stdin.on("end", () => rep.close());
  process.stdin.resume();
  for await (const frames of rep) await rep.send(frames);
}

main();
