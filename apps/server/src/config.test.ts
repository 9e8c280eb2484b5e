import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("runs on defaults", () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({ port: 3000, logLevel: "info", store: "memory" });
    expect(config.host).toBeUndefined();
    expect(config.nodeId).toMatch(/^node-[0-9a-f]{6}$/);
  });

  it("reads the environment, and flags win over it", () => {
    const env = { PORT: "4000", HOST: "127.0.0.1", LOG_LEVEL: "debug", PIGEON_NODE_ID: "a" };
    expect(loadConfig([], env)).toMatchObject({ port: 4000, host: "127.0.0.1", logLevel: "debug", nodeId: "a" });
    expect(loadConfig(["--port", "5000", "--node-id=b"], env)).toMatchObject({ port: 5000, nodeId: "b" });
  });

  it.each([
    [["--port", "http"], {}],
    [[], { PORT: "70000" }],
    [[], { LOG_LEVEL: "loud" }],
    [[], { PIGEON_STORE: "floppy" }],
    [["--colour"], {}],
  ])("refuses %j %j", (argv, env) => {
    expect(() => loadConfig(argv, env)).toThrow();
  });
});
