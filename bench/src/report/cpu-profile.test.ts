import { describe, expect, it } from "vitest";
import { MLS_LENS } from "../mls/profile.js";
import { summariseCpuProfile, type CpuProfile } from "./cpu-profile.js";

const TS_MLS = "file:///repo/node_modules/.pnpm/ts-mls@1.6.4/node_modules/ts-mls/dist/src";

// root -> joinGroupExternal -> treeHash -> (anonymous codec closure), and a native "run" under the join.
const profile: CpuProfile = {
  startTime: 0,
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: 0 }, children: [2, 6] },
    { id: 2, callFrame: { functionName: "joinGroupExternal", url: `${TS_MLS}/createCommit.js`, lineNumber: 192 }, children: [3, 5] },
    { id: 3, callFrame: { functionName: "treeHash", url: `${TS_MLS}/treeHash.js`, lineNumber: 45 }, children: [4] },
    { id: 4, callFrame: { functionName: "", url: `${TS_MLS}/codec/tlsEncoder.js`, lineNumber: 1 } },
    { id: 5, callFrame: { functionName: "run", url: "", lineNumber: -1 } },
    { id: 6, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1 } },
  ],
  samples: [3, 4, 4, 5, 6, 2],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

describe("summariseCpuProfile with the MLS lens", () => {
  const summary = summariseCpuProfile(profile, 10, undefined, MLS_LENS);

  it("sums self time into ts-mls's parts, native code and GC", () => {
    expect(Object.fromEntries(summary.areas.map((area) => [area.name, area.selfMs]))).toEqual({
      "ts-mls: TLS codec (encode, decode)": 2,
      "ts-mls: tree hash and parent hash": 1,
      "ts-mls: other": 1,
      "native (node:crypto C++, V8 builtins)": 1,
      "(garbage collector)": 1,
    });
  });

  it("ranks named ts-mls functions by inclusive time, leaving anonymous closures out", () => {
    expect(summary.inclusive.map((entry) => [entry.name, entry.selfMs])).toEqual([
      ["joinGroupExternal ts-mls/createCommit.js:193", 5],
      ["treeHash ts-mls/treeHash.js:46", 3],
    ]);
  });
});

describe("summariseCpuProfile with the Pigeon lens", () => {
  it("counts the relay package and the MLS framing as Pigeon's own code", () => {
    const relay = "file:///repo/packages/relay/dist/handlers/mls.js";
    const framing = "file:///repo/packages/mls-framing/dist/read-message.js";
    const summary = summariseCpuProfile(
      {
        startTime: 0,
        nodes: [
          { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: 0 }, children: [2] },
          { id: 2, callFrame: { functionName: "mls", url: relay, lineNumber: 15 }, children: [3] },
          { id: 3, callFrame: { functionName: "readMlsMessage", url: framing, lineNumber: 10 } },
        ],
        samples: [2, 3],
        timeDeltas: [1000, 1000],
      },
      10,
    );
    expect(summary.areas.map((area) => area.name).sort()).toEqual(["Pigeon MLS framing", "Pigeon relay"]);
    expect(summary.inclusive.map((entry) => [entry.name, entry.selfMs])).toEqual([
      ["mls packages/relay/dist/handlers/mls.js:16", 2],
      ["readMlsMessage packages/mls-framing/dist/read-message.js:11", 1],
    ]);
  });
});
