// Debian's prometheus package (installed by .ci/run): the server and promtool.
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
export const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
