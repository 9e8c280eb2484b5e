// Lua for node liveness (./liveness.ts). CLAIM_DEAD_NODE takes only the global node list; TAKE_HOLDINGS
// takes one node's four keys (./keys.ts, `nodeKeyList`), all on that node's slot. Removing a
// node from the list once reaped is UNINDEX_IDENTITY's "ZREM if the score is unchanged".

/**
 * KEYS: the node list. ARGV: node id, the beat the reaper saw stay the same, stamp (ms). Claims a
 * node whose beat is still that one by moving its score to the stamp, so that it looks alive to
 * every other reaper (until the stamp, too, stays the same long enough: a reaper that dies
 * mid-way is replaced). Returns 1 when claimed, 0 when the node beat meanwhile or another reaper
 * has it.
 */
export const CLAIM_DEAD_NODE = `
local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not beat or tonumber(beat) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;

/**
 * KEYS: names, presence, reaping names, reaping presence. Moves a dead node's holdings to the
 * reaping keys, so that a node that comes back to life records new holdings apart from those
 * being released. Holdings a previous reaper left under the reaping keys are not mixed with live
 * ones: returns 1 when a live hash stayed behind for that reason (take again after releasing).
 */
export const TAKE_HOLDINGS = `
local left = 0
for i = 1, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    if redis.call('EXISTS', KEYS[i + 2]) == 0 then redis.call('RENAME', KEYS[i], KEYS[i + 2]) else left = 1 end
  end
end
return left
`;
