import { useChatState } from "../hooks/chat-context.js";
import { usePageVisibility } from "../hooks/use-page-visibility.js";
import { ChatScreen } from "./chat-screen.js";
import { ElsewhereScreen } from "./elsewhere-screen.js";
import { SignInScreen } from "./sign-in-screen.js";

/** Signing in, then chatting (or being told that another tab has the name). */
export function App() {
  const { phase } = useChatState();
  usePageVisibility();
  if (phase === "signed-in") return <ChatScreen />;
  return phase === "elsewhere" ? <ElsewhereScreen /> : <SignInScreen />;
}
