/**
 * A partial result as one line of a log: `FXBENCH-RESULT <i/N> <base64 of the
 * gzipped results.json>`. A pod of the Kubernetes Job prints it on stdout, so
 * `kubectl logs` carries the shard's whole result (histograms included) and
 * `fxbench merge` reads it back from the saved logs. One line, whatever else the
 * log holds around it: a prefix before the marker (`kubectl logs --prefix`,
 * `--timestamps`) is ignored, and a log may hold several pods' lines.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** The word that starts a result line. */
export const RESULT_MARKER = 'FXBENCH-RESULT';

/** The line (without newline) for a results.json's text, tagged with its shard `i/N`. */
export function encodeResultLine(json: string, shard: string): string {
  return `${RESULT_MARKER} ${shard} ${gzipSync(Buffer.from(json)).toString('base64')}`;
}

/** One result line found in a log. */
export interface FoundResultLine {
  /** Line number in the log, from 1. */
  line: number;
  /** The `i/N` tag as printed. */
  shard: string;
  /** The decoded JSON text, or why it could not be decoded. */
  json?: string;
  error?: string;
}

const LINE = new RegExp(`${RESULT_MARKER} (\\d+/\\d+) ([A-Za-z0-9+/=]*)\\s*$`);

/**
 * Every result line of a log, in order. A line whose payload does not gunzip
 * (a log line cut by a log shipper, say) is returned with its error, never
 * skipped silently.
 */
export function findResultLines(log: string): FoundResultLine[] {
  const out: FoundResultLine[] = [];
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (!text.includes(RESULT_MARKER)) continue;
    const m = LINE.exec(text);
    if (!m) {
      out.push({
        line: i + 1,
        shard: '?',
        error: `a ${RESULT_MARKER} line that is not "${RESULT_MARKER} i/N <base64>"`,
      });
      continue;
    }
    try {
      out.push({ line: i + 1, shard: m[1]!, json: gunzipSync(Buffer.from(m[2]!, 'base64')).toString('utf8') });
    } catch (err) {
      out.push({
        line: i + 1,
        shard: m[1]!,
        error: `the ${RESULT_MARKER} payload (${m[2]!.length} base64 characters) does not decode: ${(err as Error).message}; was the log line cut short?`,
      });
    }
  }
  return out;
}
