import { describe, expect, it } from "vitest";
import { ackArgs, classifyFrame, encodeEvent, eventPayload, readAckId, scanSeq } from "./engine-io.js";

const frame = (text: string) => Buffer.from(text);

describe("classifyFrame", () => {
  it("tells Engine.IO and Socket.IO control frames apart", () => {
    expect(classifyFrame(frame('0{"sid":"x"}'))).toBe("open");
    expect(classifyFrame(frame("2"))).toBe("ping");
    expect(classifyFrame(frame('40{"sid":"y"}'))).toBe("connect");
    expect(classifyFrame(frame('44{"message":"no"}'))).toBe("connectError");
    expect(classifyFrame(frame('4312[{"ok":true}]'))).toBe("ack");
  });

  it("names events by the bytes after 42, without parsing", () => {
    expect(classifyFrame(frame('42["message",{"user":"a","message":"hi"}]'))).toBe("message");
    expect(classifyFrame(frame('42["members",{"room":"r","members":[]}]'))).toBe("members");
    expect(classifyFrame(frame('42["caughtUp",{"room":"r","seq":3}]'))).toBe("caughtUp");
    expect(classifyFrame(frame('42["receipts",{"room":"r","receipts":[]}]'))).toBe("receipts");
    expect(classifyFrame(frame('42["hello",{"challenge":"c"}]'))).toBe("hello");
    expect(classifyFrame(frame('42["typing",{}]'))).toBe("event");
  });

  it("does not mistake a prefix of an event name for the event", () => {
    expect(classifyFrame(frame('42["messages",{}]'))).toBe("event");
    expect(classifyFrame(frame('42["mess'))).toBe("event");
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
