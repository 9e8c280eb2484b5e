import { describe, expect, it } from "vitest";
import { ackArgs, classifyFrame, encodeEvent, eventPayload, readAckId, scanSeq, type FrameKind } from "./engine-io.js";

const frame = (text: string) => Buffer.from(text);

describe("classifyFrame", () => {
  it.each<[string, FrameKind]>([
    ['0{"sid":"x"}', "open"],
    ["2", "ping"],
    ['40{"sid":"y"}', "connect"],
    ['44{"message":"no"}', "connectError"],
    ['4312[{"ok":true}]', "ack"],
  ])("tells Engine.IO and Socket.IO control frames apart: %s is %s", (text, kind) => {
    expect(classifyFrame(frame(text))).toBe(kind);
  });

  it.each<[string, FrameKind]>([
    ['42["message",{"user":"a","message":"hi"}]', "message"],
    ['42["members",{"room":"r","members":[]}]', "members"],
    ['42["caughtUp",{"room":"r","seq":3}]', "caughtUp"],
    ['42["receipts",{"room":"r","receipts":[]}]', "receipts"],
    ['42["hello",{"challenge":"c"}]', "hello"],
    ['42["typing",{}]', "event"],
  ])("names events by the bytes after 42, without parsing: %s is %s", (text, kind) => {
    expect(classifyFrame(frame(text))).toBe(kind);
  });

  it.each(['42["messages",{}]', '42["mess'])("does not mistake a prefix of an event name for the event: %s is an event", (text) => {
    expect(classifyFrame(frame(text))).toBe("event");
  });
});

describe("encodeEvent", () => {
  it("writes the seed's bare payloads and ack ids as socket.io-parser does", () => {
    expect(encodeEvent("chat", "hi")).toBe('42["chat","hi"]');
    expect(encodeEvent("login", { name: "a" }, 7)).toBe('427["login",{"name":"a"}]');
  });
});

describe("ack frames", () => {
  it("reads the ack id and the arguments", () => {
    const ack = frame('42315[{"ok":true,"data":{"room":"r"}}]');
    expect(readAckId(ack)).toBe(315);
    expect(ackArgs(ack)).toEqual([{ ok: true, data: { room: "r" } }]);
    expect(readAckId(frame("43[]"))).toBeUndefined();
  });
});

describe("eventPayload", () => {
  it("parses the payload of a setup event", () => {
    expect(eventPayload(frame('42["hello",{"challenge":"abc"}]'))).toEqual({ challenge: "abc" });
  });
});

describe("scanSeq", () => {
  it("finds a message's seq without parsing it", () => {
    const message = '42["message",{"user":"a","message":"x","room":"r","id":"i","seq":4711,"sentAt":1}]';
    expect(scanSeq(frame(message))).toBe(4711);
  });

  it("is not fooled by text that spells the field, which JSON escapes", () => {
    const text = JSON.stringify(["message", { user: "a", message: '"seq":9', room: "r", seq: 12 }]);
    expect(scanSeq(frame(`42${text}`))).toBe(12);
  });

  it("gives undefined for a guest baseline's message, which has no seq", () => {
    expect(scanSeq(frame('42["message",{"user":"a","message":"x"}]'))).toBeUndefined();
  });
});
