import type { RetentionPolicy } from "@pigeon/protocol";
import { retentionDetails, retentionSummary } from "../state/retention.js";

/** What the server keeps, from its `hello`: one sentence, the details on request. */
export function RetentionNote({ retention }: { retention: RetentionPolicy | undefined }) {
  if (retention === undefined) return null;
  return (
    <section className="retention" aria-label="What the server keeps">
      <p className="retention-summary">{retentionSummary(retention)}</p>
      <details className="retention-details">
        <summary>What else the server keeps</summary>
        <ul>
          {retentionDetails(retention).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
