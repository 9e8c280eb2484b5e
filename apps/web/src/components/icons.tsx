import type { ReactElement, ReactNode } from "react";

// Small inline icons (no icon font, nothing fetched). Decorative: the text beside them says
// what they mean, so they are hidden from screen readers.

interface IconProps {
  className?: string;
}

/** An icon component that draws `drawing` (SVG shapes on a 24 × 24 grid) at 16 px. */
function icon(drawing: ReactNode): (props: IconProps) => ReactElement {
  return function Icon({ className }: IconProps) {
    return (
      <svg className={`icon ${className ?? ""}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
        {drawing}
      </svg>
    );
  };
}

/** A paper plane. */
export const SendIcon = icon(<path d="M3 20.5 21 12 3 3.5l2.6 7.1L15 12l-9.4 1.4z" fill="currentColor" />);

/** A clock: waiting to be sent. */
export const ClockIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" strokeWidth="2" />
    <path d="M12 7.5V12l3 2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
  </>,
);

/** One tick: accepted by the server. */
export const CheckIcon = icon(
  <path d="m4.5 12.5 4.5 4.5 10-10" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />,
);

/** Two ticks: delivered. */
export const DoubleCheckIcon = icon(
  <path d="m1.5 12.5 4.5 4.5 10-10M10.5 16.5l.5.5 10-10" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />,
);

/** An exclamation mark in a circle: failed. */
export const AlertIcon = icon(
  <>
    <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="2" />
    <path d="M12 7v6" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    <circle cx="12" cy="16.5" r="1.3" fill="currentColor" />
  </>,
);

/** Three lines: open the rooms list. */
export const MenuIcon = icon(<path d="M4 6.5h16M4 12h16M4 17.5h16" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />);

/** Two people: the member list. */
export const PeopleIcon = icon(
  <>
    <circle cx="9" cy="8.5" r="3.5" fill="none" stroke="currentColor" strokeWidth="2" />
    <path d="M2.5 20c.8-3.6 3.3-5.5 6.5-5.5s5.7 1.9 6.5 5.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    <path d="M16 5.2a3.5 3.5 0 0 1 0 6.6M18.2 14.8c1.7.8 2.8 2.5 3.3 5.2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
  </>,
);

/** A cloud with a slash: offline. */
export const OfflineIcon = icon(
  <>
    <path d="M7 18h10.5a4 4 0 0 0 .6-7.95A6 6 0 0 0 7.3 8.4 4.8 4.8 0 0 0 7 18z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
    <path d="m3 3 18 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
  </>,
);

/** A cross: close or dismiss. */
export const CloseIcon = icon(<path d="m6 6 12 12M18 6 6 18" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />);

/** A closed padlock: end-to-end encrypted. */
export const LockIcon = icon(
  <>
    <rect x="5" y="10.5" width="14" height="10" rx="2" fill="currentColor" />
    <path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
  </>,
);

/** An open padlock: not encrypted. */
export const OpenLockIcon = icon(
  <>
    <rect x="5" y="10.5" width="14" height="10" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
    <path d="M8 10.5V8a4 4 0 0 1 7.7-1.5" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
  </>,
);

/** A shield with a tick: a verified contact. */
export const VerifiedIcon = icon(
  <>
    <path d="M12 2.5 4.5 5.5v6c0 4.6 3.1 8.4 7.5 10 4.4-1.6 7.5-5.4 7.5-10v-6z" fill="currentColor" />
    <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
  </>,
);

/** An arrow down: to the newest messages. */
export const ArrowDownIcon = icon(<path d="M12 4.5v14m-6-6 6 6 6-6" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />);
