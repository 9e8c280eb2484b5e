/** Pigeon's mark and name. */
export function BrandMark({ compact = false }: { compact?: boolean }) {
  return (
    <span className="brand">
      <svg className="brand-logo" viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="64" height="64" rx="14" fill="#0b57d0" />
        <path d="M14 40c6-14 18-22 32-22l4-6 2 9c-2 12-12 21-26 21H14l6-4z" fill="#fff" />
        <circle cx="44" cy="24" r="2.5" fill="#0b57d0" />
      </svg>
      {compact ? <span className="visually-hidden">Pigeon</span> : <span className="brand-name">Pigeon</span>}
    </span>
  );
}
