export { FramingError, FramingErrorCode } from "./errors.js";
export { readGroupInfo, type FramedLeaf, type GroupInfoFraming } from "./read-group-info.js";
export { readMlsMessage, type MlsContentKind, type MlsFraming, type MlsSender } from "./read-message.js";
