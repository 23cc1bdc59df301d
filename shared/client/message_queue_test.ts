import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MessageQueue } from "./message_queue.ts";

Deno.test("MessageQueue hands items to waiting readers, in order", async () => {
  const queue = new MessageQueue<number>(10);
  const first = queue.next();
  queue.push(1);
  queue.push(2);
  assertEquals(await first, { value: 1, done: false });
  assertEquals(await queue.next(), { value: 2, done: false });
});

Deno.test("MessageQueue drops the oldest item past its limit and counts it", async () => {
  const queue = new MessageQueue<number>(2);
  queue.push(1);
  queue.push(2);
  queue.push(3);
  assertEquals(queue.overflowed, 1);
  assertEquals(await queue.next(), { value: 2, done: false });
  assertEquals(await queue.next(), { value: 3, done: false });
});

Deno.test("MessageQueue.close ends pending readers and calls onClose once", async () => {
  let closes = 0;
  const queue = new MessageQueue<number>(2, () => closes++);
  const pending = queue.next();
  queue.close();
  queue.close();
  assertEquals(await pending, { value: undefined, done: true });
  assertEquals(await queue.next(), { value: undefined, done: true });
  queue.push(1);
  assertEquals(await queue.next(), { value: undefined, done: true });
  assertEquals(closes, 1);
});

Deno.test("MessageQueue: breaking out of for-await releases the subscription", async () => {
  let closes = 0;
  const queue = new MessageQueue<string>(5, () => closes++);
  queue.push("a");
  queue.push("b");
  const seen: string[] = [];
  for await (const item of queue) {
    seen.push(item);
    break;
  }
  assertEquals(seen, ["a"]);
  assertEquals(closes, 1);
  assertEquals(queue.ended, true);
});

Deno.test("MessageQueue.end stops the stream without onClose", async () => {
  let closes = 0;
  const queue = new MessageQueue<number>(2, () => closes++);
  queue.end();
  assertEquals(await queue.next(), { value: undefined, done: true });
  assertEquals(closes, 0);
});
