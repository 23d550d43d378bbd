export { locateMariadb, MariadbNotInstalledError, MARIADB_INSTALL_HINT, type BinarySearch, type MariadbBinaries } from './mariadb-binaries.js';
export {
  startPrivateMariadb,
  MariadbAuditPluginMissingError,
  MariadbStartError,
  type PrivateMariadb,
  type PrivateMariadbOptions,
} from './private-mariadb.js';
export { parseMysqlUrl, MysqlUrlError, type WatchedMariadb } from './watched-mariadb.js';
export { createMariadbSource, MariadbSourceConfigError, type CaptureTuning, type MariadbSource, type MariadbSourceOptions } from './source-plugin.js';
