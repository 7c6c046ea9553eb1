/** The config file name looked for next to the scenario and in its parents. */
export const CONFIG_FILE_NAME = 'bench.config.ts';
