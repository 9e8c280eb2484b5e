import { describe, expect, it } from "vitest";
import { ackShare, loadOf, planCapacity, spannedNodes } from "./model.js";
import { COSTS } from "./test-costs.js";
import { parseTraffic } from "./traffic.js";

describe("ackShare", () => {
  it("acks each message while they are a second apart, then once a second, then every 100 messages", () => {
    expect(ackShare(0.5)).toBe(1);
    expect(ackShare(4)).toBe(0.25);
    expect(ackShare(1_000)).toBe(0.01);
  });
});

describe("planCapacity", () => {
  it("sizes a team of 50 on one node with the memory store, as worked out by hand", () => {
    const traffic = parseTraffic({ users: "50", online: "0.5", rate: "6/min", roomSize: "5", away: "0.2", retention: "1h", messageBytes: "100", logins: "36/h", joins: "0/s" });
    const plan = planCapacity(traffic, COSTS);
    expect(plan.tier).toBe("one node, memory store");
    // 25 online × 0.1/s = 2.5 messages/s; × 5 members = 12.5 deliveries and 12.5 acks/s; 0.25 logins/s.
    expect(plan.load).toMatchObject({ onlineUsers: 25, messagesPerSecond: 2.5, keyedDeliveriesPerSecond: 12.5, acksPerSecond: 12.5, loginsPerSecond: 0.25 });
    // 2.5 × 100 + 12.5 × 10 + 12.5 × 20 + 0.25 × 100 (connect) + 0.25 × 200 (login) + 25 connections × 4 = 800 µs per second.
    expect(plan.relayCpu.need).toBeCloseTo(0.0008, 10);
    // Held: 2.5/s × (1 − 0.8⁴) × 3,600 s = 5,313.6 messages, under the cap of 10 rooms × 10,000.
    expect(plan.load.heldMessages).toBeCloseTo(5_313.6, 6);
    // 25 × 10,000 + 50 × 1,000 + 5,313.6 × (500 + 100 × 2) + 100 MiB.
    expect(plan.relayMemory.need).toBeCloseTo(250_000 + 50_000 + 3_719_520 + 104_857_600, 3);
    expect(plan.nodes.count).toBe(1);
    // 12.5 deliveries/s × (200-byte frame + 100 − 64 characters).
    expect(plan.relayNetwork.need).toBeCloseTo(12.5 * 236, 6);
    expect(plan.redisCpu).toBeUndefined();
  });

  it("sizes 2 nodes on one Redis, each further node a room spans priced per message, as worked out by hand", () => {
    const traffic = parseTraffic({ users: "1000", online: "1", away: "0", rate: "1/s", roomSize: "10", logins: "0/s", joins: "0/s", store: "redis", nodes: "2" });
    const plan = planCapacity(traffic, COSTS);
    // A room's 10 members over 2 nodes span 2 × (1 − 2⁻¹⁰) of them.
    const further = 1_000 * (spannedNodes(2, 10) - 1);
    expect(further).toBeCloseTo(998.046875, 9);
    // Each room gets 10 messages/s, so each member acks about once a second: 1,000 acks/s, not 10,000.
    expect(plan.load.acksPerSecond).toBeCloseTo(1_000, 9);
    // 1,000 × 200 + 10,000 × 10 + 1,000 × 20 + 998.046875 × 50 µs per second.
    expect(plan.relayCpu.need).toBeCloseTo(0.36990234375, 10);
    // Redis: 1,000 × 100 + 1,000 acks × 10 + 998.046875 × 10 + 2 nodes × 1,000 µs per second.
    expect(plan.redisCpu?.need).toBeCloseTo(0.12198046875, 10);
    // 1,000 × 1,500 + 1,000 × 110 + 998.046875 × 400 bytes per second.
    expect(plan.redisNetwork?.need).toBeCloseTo(2_009_218.75, 4);
    // 1,000 identities × 1,000 + 1,000 memberships × 500; nothing held (nobody away).
    expect(plan.redisMemory?.need).toBe(1_500_000);
    // 1,000 × 10,000 + 1,000 online memberships × 1,000 + 2 empty nodes.
    expect(plan.relayMemory.need).toBe(10_000_000 + 1_000_000 + 2 * 104_857_600);
    expect(plan.shards?.count).toBe(1);
    expect(plan.tier).toBe("2 node(s) on one Redis");
    // One room: 100 + 1 ack × 10 + 0.998046875 × 10 µs of Redis per message, half a core: 4,167 messages/s.
    expect(plan.roomCeiling?.messagesPerSecond).toBeCloseTo(500_000 / 119.98046875, 6);
  });

  it("leaves the memory store for Redis when one node's CPU is not enough, and counts nodes by CPU with its headroom", () => {
    // 10,000 online × 1/s: memory store 10,000 × (100 + 10 × 10 + 1 ack × 20) µs = 2.2 CPU-s/s > half a core.
    const traffic = parseTraffic({ users: "10000", online: "1", away: "0", rate: "1/s", roomSize: "10", logins: "0/s", joins: "0/s" });
    const plan = planCapacity(traffic, COSTS);
    expect(plan.store).toBe("redis");
    expect(plan.tierReason).toBe("one node with the memory store would need 5 nodes' worth of cpu");
    expect(plan.nodes.limitedBy).toBe("cpu");
    expect(plan.nodes.count).toBe(Math.ceil(plan.relayCpu.need / 0.5));
    expect(plan.load.spannedNodes).toBeCloseTo(spannedNodes(plan.nodes.count, 10), 9);
  });

  it("caps held messages at the rooms' entry cap", () => {
    const load = loadOf(parseTraffic({ users: "10", online: "0.5", rate: "1/s", roomSize: "5", away: "0.5", maxRoomEntries: "100" }), 1);
    // 2 rooms × 100 entries, far below 5/s × (1 − 0.5⁴) × 14 days.
    expect(load.heldMessages).toBe(200);
    expect(load.heldCapped).toBe(true);
  });
});
