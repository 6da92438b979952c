import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseEnv } from "../../examples/server/env.ts";

describe("the example server's environment", () => {
  it("fills in every default when nothing is set", () => {
    assert.deepEqual(parseEnv({}), {
      host: "127.0.0.1",
      port: 8787,
      token: undefined,
      limit: "adaptive",
      niceIncrement: 10,
      queueMs: 0,
      downstreamMs: 20,
      drainMs: 10_000,
    });
  });

  it("takes plain decimal values at both ends of their ranges", () => {
    assert.deepEqual(
      parseEnv({
        HOST: "0.0.0.0",
        PORT: "0",
        HEADROOM_TOKEN: "secret",
        HEADROOM_LIMIT: "12",
        HEADROOM_NICE: "19",
        HEADROOM_QUEUE_MS: "1000",
        HEADROOM_DOWNSTREAM_MS: "0",
        HEADROOM_DRAIN_MS: "600000",
      }),
      {
        host: "0.0.0.0",
        port: 0,
        token: "secret",
        limit: 12,
        niceIncrement: 19,
        queueMs: 1000,
        downstreamMs: 0,
        drainMs: 600_000,
      },
    );
    assert.equal(parseEnv({ PORT: "65535" }).port, 65535);
    assert.equal(parseEnv({ HEADROOM_LIMIT: "none" }).limit, "none");
    assert.equal(parseEnv({ HEADROOM_DRAIN_MS: "0" }).drainMs, 0);
  });

  it("refuses an empty value, naming the variable and what it takes", () => {
    const expected = {
      HOST: "a host name or address",
      PORT: "an integer from 0 to 65535",
      HEADROOM_TOKEN: "a non-empty token",
      HEADROOM_LIMIT: `"adaptive", "none" or a positive integer`,
      HEADROOM_NICE: "an integer from 0 to 19",
      HEADROOM_QUEUE_MS: "an integer from 0 to 1000",
      HEADROOM_DOWNSTREAM_MS: "an integer from 0 to 10000",
      HEADROOM_DRAIN_MS: "an integer from 0 to 600000",
    };
    for (const [name, what] of Object.entries(expected)) {
      assert.throws(() => parseEnv({ [name]: "" }), (error: Error) => {
        assert.ok(error.message.startsWith(`${name} must be ${what}`), error.message);
        assert.match(error.message, /received ""/);
        return true;
      });
    }
  });

  it("refuses numbers that are not plain decimal digits, or out of range", () => {
    const bad: [string, string][] = [
      ["HEADROOM_NICE", "0x10"],
      ["HEADROOM_NICE", "1e1"],
      ["HEADROOM_NICE", " 5 "],
      ["HEADROOM_NICE", "5 "],
      ["HEADROOM_NICE", "-0"],
      ["HEADROOM_NICE", "+5"],
      ["HEADROOM_NICE", "5.0"],
      ["HEADROOM_NICE", "20"],
      ["PORT", "65536"],
      ["PORT", "0b1"],
      ["HEADROOM_QUEUE_MS", "1001"],
      ["HEADROOM_DOWNSTREAM_MS", "Infinity"],
      ["HEADROOM_DRAIN_MS", "600001"],
      ["HEADROOM_DRAIN_MS", "1_000"],
      ["HEADROOM_LIMIT", "0"],
      ["HEADROOM_LIMIT", "0x4"],
      ["HEADROOM_LIMIT", " 4"],
      ["HEADROOM_LIMIT", "Adaptive"],
      ["HEADROOM_LIMIT", "99999999999999999999"],
    ];
    for (const [name, value] of bad) {
      assert.throws(
        () => parseEnv({ [name]: value }),
        (error: Error) => {
          assert.ok(error.message.startsWith(`${name} must be `), error.message);
          assert.ok(error.message.endsWith(`received ${JSON.stringify(value)}`), error.message);
          return true;
        },
        `${name}=${JSON.stringify(value)}`,
      );
    }
  });
});
