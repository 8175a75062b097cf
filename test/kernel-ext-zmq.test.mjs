// The zeromq send guard every embedlab kernel preloads (kernel-ext/src/zmq-send-queue.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const zmq = require(require.resolve("zeromq", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
const { queueSendsWhenBusy, unboundedPublishers } = require("@embedlab/kernel-ext/dist/zmq-send-queue");
const GUARDED = Symbol.for("embedlab.zmqSendQueue");

/** A publisher (of `cls`) and a subscriber on it, with a high-water mark that drops nothing. */
async function pair(cls) {
  const pub = new cls({ sendHighWaterMark: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new zmq.Subscriber({ receiveHighWaterMark: 0 });
  sub.connect(pub.lastEndpoint);
  sub.subscribe();
  await new Promise((r) => setTimeout(r, 200)); // let the subscription reach the publisher
  return { pub, sub, close: () => (pub.close(), sub.close()) };
}

test("unguarded, zeromq throws EBUSY when a send follows its deferred 513th one in the same turn", async () => {
  class Plain extends zmq.Publisher {}
  const { pub, close } = await pair(Plain);
  try {
    const sends = [];
    assert.throws(
      () => {
        while (sends.length < 2000) sends.push(pub.send([String(sends.length)]));
      },
      (err) => err.code === "EBUSY",
    );
    assert.equal(sends.length, 513);
    await Promise.all(sends); // the deferred one goes out on a later turn
  } finally {
    close();
  }
});

test("guarded, the same bursts (in one turn and across turns) all arrive, in order", async () => {
  class Guarded extends zmq.Publisher {}
  assert.equal(queueSendsWhenBusy([Guarded]), 1);
  assert.equal(queueSendsWhenBusy([Guarded]), 0, "guarding twice is a no-op");
  assert.notEqual(zmq.Publisher.prototype.send?.[GUARDED], true, "only the given class is touched");
  const { pub, sub, close } = await pair(Guarded);
  try {
    const N = 3000;
    const got = [];
    const received = (async () => {
      for await (const [m] of sub) {
        got.push(Number(m.toString()));
        if (got.length === 2 * N) break;
      }
    })();
    const sends = [];
    for (let i = 0; i < N; i++) sends.push(pub.send([String(i)]));
    for (let i = N; i < 2 * N; i++) {
      sends.push(pub.send([String(i)]));
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(sends);
    await Promise.race([received, new Promise((r) => setTimeout(r, 10_000))]);
    assert.equal(got.length, 2 * N);
    assert.ok(
      got.every((v, i) => v === i),
      "messages arrive in the order they were sent",
    );
  } finally {
    close();
  }
});

test("a send error other than EBUSY still reaches the caller", async () => {
  class Guarded extends zmq.Publisher {}
  queueSendsWhenBusy([Guarded]);
  const pub = new Guarded();
  pub.close();
  assert.throws(
    () => pub.send(["x"]),
    (err) => err.code === "EBADF",
  );
});

test("unboundedPublishers: a patched publisher binds with no send high-water mark (queues, never drops)", async () => {
  class Plain extends zmq.Publisher {}
  class Unbounded extends zmq.Publisher {}
  assert.equal(unboundedPublishers(Unbounded), true);
  assert.equal(unboundedPublishers(Unbounded), false, "patching twice is a no-op");
  const plain = new Plain();
  const unbounded = new Unbounded();
  try {
    await plain.bind("tcp://127.0.0.1:*");
    await unbounded.bind("tcp://127.0.0.1:*");
    assert.equal(plain.sendHighWaterMark, 1000);
    assert.equal(unbounded.sendHighWaterMark, 0);
  } finally {
    plain.close();
    unbounded.close();
  }
});

test("the kernel preload guards tslab's socket classes before tslab loads", () => {
  const check = `const z = require(require.resolve("zeromq", { paths: [require("path").dirname(require.resolve("tslab/package.json"))] }));
    process.stdout.write(JSON.stringify(["Publisher", "Router", "Reply"].map((n) => z[n].prototype.send[Symbol.for("embedlab.zmqSendQueue")] === true).concat(z.Publisher.prototype.bind[Symbol.for("embedlab.zmqSendQueue")] === true)));`;
  const preload = path.join(root, "kernel-ext", "dist", "kernel-preload.js");
  const r = spawnSync(process.execPath, ["--require", preload, "-e", check], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [true, true, true, true]);
  const { kernelPreloadArgs } = require(path.join(root, "ci", "dist", "kernel.js"));
  const ciPreload = spawnSync(process.execPath, [...kernelPreloadArgs(), "-e", check], { cwd: root, encoding: "utf8" });
  assert.equal(ciPreload.status, 0, ciPreload.stderr);
  assert.deepEqual(JSON.parse(ciPreload.stdout), [true, true, true, true]);
});
