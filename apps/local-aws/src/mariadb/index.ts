// The emulator's MariaDB: locating mariadbd, the private server, and the source plugging the capture into it.
export { locateMariadb, MariadbNotInstalledError, type BinarySearch } from './mariadb-binaries.js';
export { startPrivateMariadb, type PrivateMariadb } from './private-mariadb.js';
export { createMariadbSource, type CaptureTuning } from './source-plugin.js';
