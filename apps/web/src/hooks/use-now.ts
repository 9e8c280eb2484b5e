import { useEffect, useState } from "react";

/** How often message times ("14:05", "Mon 14:05") are brought up to date. */
const TICK_MS = 60_000;

/** The current time, updated every minute, for rendering relative times. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, TICK_MS);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return now;
}
