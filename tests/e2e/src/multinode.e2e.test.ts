import { describeWithRedis } from "@pigeon/testing";
import { crossNodeSuite } from "./cross-node-suite.js";

await describeWithRedis("three nodes on one Redis", (url) => {
  crossNodeSuite(() => ({ url, cluster: false }), "multinode");
});
