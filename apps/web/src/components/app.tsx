import { useChatState } from "../hooks/chat-context.js";
import { usePageVisibility } from "../hooks/use-page-visibility.js";
import { ChatScreen } from "./chat-screen.js";
import { SignInScreen } from "./sign-in-screen.js";

/** Signing in, then chatting. */
export function App() {
  const { phase } = useChatState();
  usePageVisibility();
  return phase === "signed-in" ? <ChatScreen /> : <SignInScreen />;
}
