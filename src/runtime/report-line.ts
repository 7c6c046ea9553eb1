/**
 * Lambda's REPORT log line: formatting (the local runtime writes it) and parsing
 * (the Lambda driver reads it from X-Amz-Log-Result). Both the tab-separated text
 * form and the JSON `platform.report` form are read. Field order follows real
 * Lambda: Duration, Billed Duration, Memory Size, Max Memory Used, then optional
 * Restore/Init Duration (sources, read 2026-11: the Lambda Node.js logging guide,
 * https://github.com/awsdocs/aws-lambda-developer-guide/blob/38e9014/doc_source/nodejs-logging.md;
 * maxday/lambda-perf's REPORT parser,
 * https://github.com/maxday/lambda-perf/blob/6070b79/common_lib/src/report_log.rs; the JSON
 * form, https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html).
 */

/** Figures a REPORT line carries. */
export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memoryMB: number;
  maxMemoryMB: number;
  initMs?: number;
  restoreMs?: number;
  billedRestoreMs?: number;
  /** Newer REPORT lines end with `Status: timeout|error|…` (text) or carry `status` (JSON); absent on success in text form. */
  status?: string;
  /** `Error Type: Runtime.ExitError` and the like, where the line carries one. */
  errorType?: string;
}

/** Formats a REPORT line exactly as Lambda's text log format does (TAB-separated, trailing TAB). */
export function formatReportLine(f: ReportFields): string {
  let line = `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\tBilled Duration: ${f.billedMs} ms\tMemory Size: ${f.memoryMB} MB\tMax Memory Used: ${f.maxMemoryMB} MB\t`;
  if (f.restoreMs !== undefined)
    line += `Restore Duration: ${f.restoreMs.toFixed(2)} ms\tBilled Restore Duration: ${f.billedRestoreMs ?? 0} ms\t`;
  if (f.initMs !== undefined) line += `Init Duration: ${f.initMs.toFixed(2)} ms\t`;
  return line;
}

/**
 * Finds the REPORT record in a log tail (text or JSON format) and parses it.
 * Returns undefined when the tail holds none.
 */
export function parseReport(log: string): ReportFields | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line.startsWith('REPORT ')) return parseTextReport(line);
    if (line.startsWith('{') && line.includes('"platform.report"')) {
      const parsed = parseJsonReport(line);
      if (parsed) return parsed;
    }
  }
  return undefined;
}

function parseTextReport(line: string): ReportFields | undefined {
  const field = (name: string): string | undefined =>
    new RegExp(`(?:^|\\t)${name}: ([^\\t]+?)(?: ms| MB)?(?:\\t|$)`).exec(line)?.[1];
  const num = (name: string): number | undefined => {
    const v = field(name);
    return v === undefined ? undefined : Number(v);
  };
  const requestId = /RequestId: ([^\s]+)/.exec(line)?.[1];
  const durationMs = num('Duration');
  if (!requestId || durationMs === undefined) return undefined;
  return {
    requestId,
    durationMs,
    billedMs: num('Billed Duration') ?? Math.ceil(durationMs),
    memoryMB: num('Memory Size') ?? 0,
    maxMemoryMB: num('Max Memory Used') ?? 0,
    initMs: num('Init Duration'),
    restoreMs: num('Restore Duration'),
    billedRestoreMs: num('Billed Restore Duration'),
    status: field('Status'),
    errorType: field('Error Type'),
  };
}

function parseJsonReport(line: string): ReportFields | undefined {
  try {
    const o = JSON.parse(line) as {
      type?: string;
      record?: { requestId?: string; status?: string; errorType?: string; metrics?: Record<string, number> };
    };
    if (o.type !== 'platform.report' || !o.record?.metrics) return undefined;
    const m = o.record.metrics;
    return {
      requestId: o.record.requestId ?? '',
      durationMs: m.durationMs ?? 0,
      billedMs: m.billedDurationMs ?? Math.ceil(m.durationMs ?? 0),
      memoryMB: m.memorySizeMB ?? 0,
      maxMemoryMB: m.maxMemoryUsedMB ?? 0,
      initMs: m.initDurationMs,
      restoreMs: m.restoreDurationMs,
      billedRestoreMs: m.billedRestoreDurationMs,
      status: o.record.status,
      errorType: o.record.errorType,
    };
  } catch {
    return undefined;
  }
}
