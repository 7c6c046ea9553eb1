/** Printed under every --help. */
export const EPILOGUE = `Exit codes: 0 ok · 1 thresholds crossed or regression · 2 bad input (scenario, config, flag) · 3 the run failed · 130 interrupted (partial result written)`;
