import { describe, expect, it } from "vitest";
import { loadConfig, usage } from "./config.js";

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

  it("takes the public origins keyed logins must be signed for from --public-origins or PIGEON_PUBLIC_ORIGINS", () => {
    expect(loadConfig([], {}).publicOrigins).toBeUndefined();
    expect(loadConfig(["--public-origins", "https://chat.example.org"], {}).publicOrigins).toEqual(["https://chat.example.org"]);
    expect(loadConfig([], { PIGEON_PUBLIC_ORIGINS: "https://a.example,http://b.example:8080" }).publicOrigins).toEqual([
      "https://a.example",
      "http://b.example:8080",
    ]);
    expect(() => loadConfig(["--public-origins", "chat.example.org"], {})).toThrow(/origin/);
    expect(usage()).toMatch(/--public-origins\s+PIGEON_PUBLIC_ORIGINS\s+default unset/);
  });

  it("refuses plain rooms with a bare --require-e2e or PIGEON_REQUIRE_E2E", () => {
    expect(loadConfig([], {}).requireE2e).toBe(false);
    expect(loadConfig(["--require-e2e"], {}).requireE2e).toBe(true);
    expect(loadConfig([], { PIGEON_REQUIRE_E2E: "1" }).requireE2e).toBe(true);
    expect(loadConfig([], { PIGEON_REQUIRE_E2E: "false" }).requireE2e).toBe(false);
    expect(usage()).toMatch(/--require-e2e\s+PIGEON_REQUIRE_E2E\s+default false\n\s+true: refuse to create plain rooms/);
  });

  it("reads the operations settings: health and metrics access, allowed origins", () => {
    expect(loadConfig([], {})).toMatchObject({ metricsHost: "127.0.0.1" });
    const defaults = loadConfig([], {});
    for (const key of ["healthToken", "healthAllowFrom", "metricsPort", "metricsToken", "allowedOrigins"] as const) expect(defaults[key]).toBeUndefined();
    const env = {
      PIGEON_ALLOWED_ORIGINS: "https://chat.example.org, http://localhost:5173",
      PIGEON_HEALTH_ALLOW_FROM: "10.0.0.0/8,::1",
      PIGEON_HEALTH_TOKEN: "health-token-0123456789",
    };
    expect(loadConfig(["--metrics-port", "9464", "--metrics-token", "metrics-token-0123456789"], env)).toMatchObject({
      allowedOrigins: ["https://chat.example.org", "http://localhost:5173"],
      healthAllowFrom: ["10.0.0.0/8", "::1"],
      healthToken: "health-token-0123456789",
      metricsPort: 9464,
      metricsToken: "metrics-token-0123456789",
    });
    expect(usage()).toMatch(/--metrics-port\s+PIGEON_METRICS_PORT\s+default unset\n/);
  });

  it.each([
    [[], { PIGEON_ALLOWED_ORIGINS: "https://chat.example.org/" }],
    [[], { PIGEON_ALLOWED_ORIGINS: "chat.example.org" }],
    [[], { PIGEON_ALLOWED_ORIGINS: "*" }],
    [[], { PIGEON_HEALTH_ALLOW_FROM: "10.0.0.0/33" }],
    [[], { PIGEON_HEALTH_ALLOW_FROM: "localhost" }],
    [[], { PIGEON_HEALTH_TOKEN: "short" }],
    [["--metrics-token", "has a space in it, long"], {}],
    [["--metrics-port", "70000"], {}],
    [["--require-e2e=yes"], {}],
    [[], { PIGEON_REQUIRE_E2E: "yes" }],
    [["--port", "http"], {}],
    [[], { PORT: "70000" }],
    [[], { LOG_LEVEL: "loud" }],
    [[], { PIGEON_STORE: "floppy" }],
    [["--colour"], {}],
  ])("refuses %j %j", (argv, env) => {
    expect(() => loadConfig(argv, env)).toThrow();
  });

  it("documents every option in --help with its variable, default and meaning", () => {
    const text = usage();
    expect(text).toMatch(/--port\s+PORT\s+default 3000\n\s+TCP port/);
    expect(text).toMatch(/--message-ttl-ms\s+PIGEON_MESSAGE_TTL_MS\s+default 1209600000 \(14 days\)\n\s+undelivered/);
    expect(text).toMatch(/--node-id\s+PIGEON_NODE_ID\s+default random\n/);
    // Every option line is followed by a line that says what it means.
    const options = text.split("\n").filter((line) => line.startsWith("  --"));
    const meanings = text.split("\n").filter((line) => /^ {6}\S/.test(line));
    expect(meanings).toHaveLength(options.length);
  });
});
